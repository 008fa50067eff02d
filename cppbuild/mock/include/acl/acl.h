/* Mock CANN: the subset of acl.h that ivfsp uses. */
#ifndef IVFSP_MOCK_ACL_H_
#define IVFSP_MOCK_ACL_H_

#include "acl_base.h"
#include "acl_rt.h"
#include "acl_op.h"

#ifdef __cplusplus
extern "C" {
#endif

aclError aclInit(const char *configPath);
aclError aclFinalize(void);

#ifdef __cplusplus
}
#endif

#endif
