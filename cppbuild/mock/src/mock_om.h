/* The simulated .om format shared by ivfsp's mock compiler, its ATC fixture and this mock CANN:
 *   IVFSP-MOCK-OM 1 / soc <name> / op <type> / input|output <dtype> <format> <rank> <dims...> <nranges> <min max>... / end
 */
#ifndef IVFSP_MOCK_OM_H_
#define IVFSP_MOCK_OM_H_

#include <stdint.h>

#define MOCK_MAX_DIMS 16
#define MOCK_MAX_TENSORS 32
#define MOCK_MAX_NAME 128
/* Larger model data is refused rather than copied (a simulated model is a few hundred bytes). */
#define MOCK_MAX_MODEL_BYTES (16u * 1024u * 1024u)
/* What ivfsp_mock_cann_identity returns: the mock CANN's version string. */
#define IVFSP_MOCK_CANN_IDENTITY "ivfsp-mock-cann 1"

typedef struct {
    int dtype;
    int format;
    int rank;
    int64_t dims[MOCK_MAX_DIMS];
    int nranges;
    int64_t ranges[MOCK_MAX_DIMS][2];
} mock_tensor;

typedef struct {
    char soc[MOCK_MAX_NAME];
    char op[MOCK_MAX_NAME];
    int ninputs;
    int noutputs;
    mock_tensor inputs[MOCK_MAX_TENSORS];
    mock_tensor outputs[MOCK_MAX_TENSORS];
} mock_model;

/* Parses a simulated model from text; returns 0 on success. */
int mock_om_parse(const char *text, mock_model *out);

/* Writes a simulated model; returns 0 on success. */
int mock_om_write(const char *path, const mock_model *m);

/* Whether two tensors are the same as ACL matches them: dtype, format, dims, shape range. */
int mock_tensor_equal(const mock_tensor *a, const mock_tensor *b);

#endif
