/* Mock CANN: the subset of acl_rt.h that ivfsp uses. */
#ifndef IVFSP_MOCK_ACL_RT_H_
#define IVFSP_MOCK_ACL_RT_H_

#include "acl_base.h"

#ifdef __cplusplus
extern "C" {
#endif

const char *aclrtGetSocName(void);
aclError aclrtGetDeviceCount(uint32_t *count);
aclError aclrtSetDevice(int32_t deviceId);
aclError aclrtResetDevice(int32_t deviceId);

#ifdef __cplusplus
}
#endif

#endif
