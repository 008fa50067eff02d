/* Mock CANN: acl_op_compiler.h; ivfsp declares nothing from it but includes it like the real one. */
#ifndef IVFSP_MOCK_ACL_OP_COMPILER_H_
#define IVFSP_MOCK_ACL_OP_COMPILER_H_

#include "acl_base.h"
#include "acl_op.h"

#endif
