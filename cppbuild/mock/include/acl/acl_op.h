/* Mock CANN: the subset of acl_op.h that ivfsp uses. */
#ifndef IVFSP_MOCK_ACL_OP_H_
#define IVFSP_MOCK_ACL_OP_H_

#include "acl_base.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct aclopAttr aclopAttr;
typedef struct aclopHandle aclopHandle;

aclError aclopSetModelDir(const char *modelDir);
aclError aclopLoad(const void *model, size_t modelSize);
aclopAttr *aclopCreateAttr(void);
void aclopDestroyAttr(const aclopAttr *attr);
aclError aclopCreateHandle(const char *opType, int numInputs, const aclTensorDesc *const inputDesc[],
                           int numOutputs, const aclTensorDesc *const outputDesc[], const aclopAttr *opAttr,
                           aclopHandle **handle);
void aclopDestroyHandle(aclopHandle *handle);

#ifdef __cplusplus
}
#endif

#endif
