/* Mock libascendcl.so: behaves like ACL where ivfsp's tests depend on it, and is at least as strict as ACL
 * on the process-global rules, so that a test fails where a device would:
 *   - a second aclInit returns ACL_ERROR_REPEAT_INITIALIZE (100002);
 *   - after aclFinalize every call fails (aclInit too: ACL is initialized once per process);
 *   - a second aclopSetModelDir returns ACL_ERROR_REPEAT_INITIALIZE (100002);
 *   - aclopCreateHandle finds only ops whose model was loaded (aclopSetModelDir or aclopLoad).
 * It identifies itself through the symbol ivfsp_mock_cann_identity, which no real toolkit exports.
 * Configuration by environment:
 *   IVFSP_MOCK_SOC_NAME              what aclrtGetSocName returns (default Ascend310P3)
 *   IVFSP_MOCK_DEVICE_COUNT          what aclrtGetDeviceCount reports (default 1)
 *   IVFSP_MOCK_FAIL_SHAPE_RANGE=1    aclSetTensorShapeRange fails (to test callers' error paths)
 * ivfsp_mock_stats() says how many descriptors, attributes and handles are alive, so that tests can
 * see a leak.
 */
#define _GNU_SOURCE
#include "acl/acl.h"
#include "mock_om.h"

#include <dirent.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct aclTensorDesc {
    mock_tensor t;
};

struct aclopAttr {
    int unused;
};

struct aclopHandle {
    int model;
};

static int initialized;
static int live_descriptors, live_attrs, live_handles;
static int finalized;
static int model_dir_set;
static mock_model *models;
static int model_count;
static int model_capacity;
static char last_error[1024];

static void set_error(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_error, sizeof(last_error), fmt, ap);
    va_end(ap);
}

static const char *soc_name(void) {
    const char *s = getenv("IVFSP_MOCK_SOC_NAME");
    return s && *s ? s : "Ascend310P3";
}

__attribute__((visibility("default")))
const char *ivfsp_mock_cann_identity(void) {
    return IVFSP_MOCK_CANN_IDENTITY;
}

__attribute__((visibility("default")))
const char *ivfsp_mock_stats(void) {
    static char stats[128];
    snprintf(stats, sizeof(stats), "descriptors=%d attrs=%d handles=%d", live_descriptors, live_attrs, live_handles);
    return stats;
}

/* ACL_ERROR_UNINITIALIZE unless aclInit succeeded and aclFinalize has not run. */
static aclError require_initialized(const char *function) {
    if (finalized) {
        set_error("%s: ACL was finalized in this process", function);
        return ACL_ERROR_UNINITIALIZE;
    }
    if (!initialized) {
        set_error("%s: call aclInit first", function);
        return ACL_ERROR_UNINITIALIZE;
    }
    return ACL_SUCCESS;
}

aclError aclInit(const char *configPath) {
    (void) configPath;
    if (finalized) {
        set_error("aclInit: ACL was finalized in this process and cannot be initialized again");
        return ACL_ERROR_REPEAT_FINALIZE;
    }
    if (initialized) {
        set_error("aclInit: repeat initialize");
        return ACL_ERROR_REPEAT_INITIALIZE;
    }
    initialized = 1;
    return ACL_SUCCESS;
}

aclError aclFinalize(void) {
    if (finalized) {
        set_error("aclFinalize: repeat finalize");
        return ACL_ERROR_REPEAT_FINALIZE;
    }
    if (!initialized) {
        set_error("aclFinalize: not initialized");
        return ACL_ERROR_UNINITIALIZE;
    }
    initialized = 0;
    finalized = 1;
    free(models);
    models = NULL;
    model_count = model_capacity = 0;
    return ACL_SUCCESS;
}

const char *aclGetRecentErrMsg(void) {
    return last_error[0] ? last_error : NULL;
}

const char *aclrtGetSocName(void) {
    return require_initialized("aclrtGetSocName") == ACL_SUCCESS ? soc_name() : NULL;
}

static uint32_t device_count(void) {
    const char *s = getenv("IVFSP_MOCK_DEVICE_COUNT");
    return s && *s ? (uint32_t) strtoul(s, NULL, 10) : 1;
}

aclError aclrtGetDeviceCount(uint32_t *count) {
    aclError rc = require_initialized("aclrtGetDeviceCount");
    if (rc != ACL_SUCCESS) return rc;
    if (!count) return ACL_ERROR_INVALID_PARAM;
    *count = device_count();
    return ACL_SUCCESS;
}

aclError aclrtSetDevice(int32_t deviceId) {
    aclError rc = require_initialized("aclrtSetDevice");
    if (rc != ACL_SUCCESS) return rc;
    if (deviceId < 0 || (uint32_t) deviceId >= device_count()) {
        set_error("aclrtSetDevice: invalid device id %d, %u device(s)", deviceId, device_count());
        return ACL_ERROR_INVALID_PARAM;
    }
    return ACL_SUCCESS;
}

aclError aclrtResetDevice(int32_t deviceId) {
    aclError rc = require_initialized("aclrtResetDevice");
    if (rc != ACL_SUCCESS) return rc;
    if (deviceId < 0 || (uint32_t) deviceId >= device_count()) return ACL_ERROR_INVALID_PARAM;
    return ACL_SUCCESS;
}

static int add_model(const char *text) {
    mock_model m;
    if (mock_om_parse(text, &m) != 0) return -1;
    if (strcmp(m.soc, soc_name()) != 0) return -1; /* compiled for another SoC: not loadable here */
    if (model_count == model_capacity) {
        int cap = model_capacity ? model_capacity * 2 : 64;
        mock_model *grown = realloc(models, (size_t) cap * sizeof(mock_model));
        if (!grown) return -1;
        models = grown;
        model_capacity = cap;
    }
    models[model_count++] = m;
    return 0;
}

static char *read_file(const char *path, size_t *size) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap + 1);
    size_t n;
    while (buf && (n = fread(buf + len, 1, cap - len, f)) > 0) {
        len += n;
        if (len == cap && cap >= MOCK_MAX_MODEL_BYTES) { free(buf); buf = NULL; break; } /* too large: not a model */
        if (len == cap) {
            char *g = realloc(buf, cap * 2 + 1);
            if (!g) { free(buf); buf = NULL; break; }
            buf = g;
            cap *= 2;
        }
    }
    fclose(f);
    if (buf) {
        buf[len] = '\0';
        if (size) *size = len;
    }
    return buf;
}

static void scan(const char *dir, int level) {
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        char path[PATH_MAX];
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        struct stat st;
        if (lstat(path, &st) != 0) continue;
        if (S_ISDIR(st.st_mode)) {
            if (level < 3) scan(path, level + 1);
        } else if (S_ISREG(st.st_mode)) {
            size_t n = strlen(e->d_name);
            if (n > 3 && strcmp(e->d_name + n - 3, ".om") == 0) {
                char *text = read_file(path, NULL);
                if (!text || add_model(text) != 0) {
                    fprintf(stderr, "[mock acl] WARNING: skipping unreadable model %s\n", path);
                }
                free(text);
            }
        }
    }
    closedir(d);
}

aclError aclopSetModelDir(const char *modelDir) {
    aclError rc = require_initialized("aclopSetModelDir");
    if (rc != ACL_SUCCESS) return rc;
    if (!modelDir) return ACL_ERROR_INVALID_PARAM;
    if (model_dir_set) {
        set_error("aclopSetModelDir: a model directory is already set for this process");
        return ACL_ERROR_REPEAT_INITIALIZE;
    }
    char real[PATH_MAX];
    if (!realpath(modelDir, real)) {
        set_error("aclopSetModelDir: invalid model directory %s", modelDir);
        return ACL_ERROR_INVALID_PARAM;
    }
    char given[PATH_MAX];
    snprintf(given, sizeof(given), "%s", modelDir);
    size_t n = strlen(given);
    while (n > 1 && given[n - 1] == '/') given[--n] = '\0';
    if (given[0] == '/' && strcmp(real, given) != 0) {
        set_error("aclopSetModelDir: model directory %s contains a symbolic link", modelDir);
        return ACL_ERROR_INVALID_PARAM;
    }
    model_dir_set = 1;
    scan(real, 1);
    return ACL_SUCCESS;
}

aclError aclopLoad(const void *model, size_t modelSize) {
    aclError rc = require_initialized("aclopLoad");
    if (rc != ACL_SUCCESS) return rc;
    if (!model || modelSize == 0 || modelSize > MOCK_MAX_MODEL_BYTES) {
        set_error("aclopLoad: invalid model data (%zu bytes)", modelSize);
        return ACL_ERROR_INVALID_PARAM;
    }
    char *text = malloc(modelSize + 1);
    if (!text) return ACL_ERROR_FAILURE;
    memcpy(text, model, modelSize);
    text[modelSize] = '\0';
    /* An embedded NUL would make the text shorter than the data: not a model. */
    int bad = strlen(text) != modelSize || add_model(text) != 0;
    free(text);
    if (bad) {
        set_error("aclopLoad: cannot parse the model");
        return ACL_ERROR_READ_MODEL_FAILURE;
    }
    return ACL_SUCCESS;
}

aclTensorDesc *aclCreateTensorDesc(aclDataType dataType, int numDims, const int64_t *dims, aclFormat format) {
    if (finalized) {
        set_error("aclCreateTensorDesc: ACL was finalized in this process");
        return NULL;
    }
    if (numDims < 0 || numDims > MOCK_MAX_DIMS || (numDims > 0 && !dims)) return NULL;
    aclTensorDesc *d = calloc(1, sizeof(aclTensorDesc));
    if (!d) return NULL;
    d->t.dtype = dataType;
    d->t.format = format;
    d->t.rank = numDims;
    for (int i = 0; i < numDims; i++) d->t.dims[i] = dims[i];
    live_descriptors++;
    return d;
}

void aclDestroyTensorDesc(const aclTensorDesc *desc) {
    if (desc) live_descriptors--;
    free((void *) desc);
}

aclError aclSetTensorShapeRange(aclTensorDesc *desc, size_t dimsCount, int64_t dimsRange[][ACL_TENSOR_SHAPE_RANGE_NUM]) {
    if (finalized) {
        set_error("aclSetTensorShapeRange: ACL was finalized in this process");
        return ACL_ERROR_UNINITIALIZE;
    }
    const char *fail = getenv("IVFSP_MOCK_FAIL_SHAPE_RANGE");
    if (fail && strcmp(fail, "1") == 0) {
        set_error("aclSetTensorShapeRange: failing as IVFSP_MOCK_FAIL_SHAPE_RANGE asks");
        return ACL_ERROR_FAILURE;
    }
    /* ACL wants one range per dimension of the descriptor. */
    if (!desc || dimsCount > MOCK_MAX_DIMS || (dimsCount > 0 && !dimsRange) || (int) dimsCount != desc->t.rank) {
        set_error("aclSetTensorShapeRange: %zu ranges for a tensor of rank %d", dimsCount, desc ? desc->t.rank : -1);
        return ACL_ERROR_INVALID_PARAM;
    }
    desc->t.nranges = (int) dimsCount;
    for (size_t i = 0; i < dimsCount; i++) {
        desc->t.ranges[i][0] = dimsRange[i][0];
        desc->t.ranges[i][1] = dimsRange[i][1];
    }
    return ACL_SUCCESS;
}

aclopAttr *aclopCreateAttr(void) {
    if (finalized) {
        set_error("aclopCreateAttr: ACL was finalized in this process");
        return NULL;
    }
    aclopAttr *attr = calloc(1, sizeof(aclopAttr));
    if (attr) live_attrs++;
    return attr;
}

void aclopDestroyAttr(const aclopAttr *attr) {
    if (attr) live_attrs--;
    free((void *) attr);
}

aclError aclopCreateHandle(const char *opType, int numInputs, const aclTensorDesc *const inputDesc[],
                           int numOutputs, const aclTensorDesc *const outputDesc[], const aclopAttr *opAttr,
                           aclopHandle **handle) {
    (void) opAttr;
    aclError rc = require_initialized("aclopCreateHandle");
    if (rc != ACL_SUCCESS) return rc;
    if (!opType || !handle || numInputs < 0 || numOutputs < 0 || (numInputs > 0 && !inputDesc)
        || (numOutputs > 0 && !outputDesc)) {
        set_error("aclopCreateHandle: invalid arguments");
        return ACL_ERROR_INVALID_PARAM;
    }
    for (int i = 0; i < numInputs; i++) if (!inputDesc[i]) return ACL_ERROR_INVALID_PARAM;
    for (int i = 0; i < numOutputs; i++) if (!outputDesc[i]) return ACL_ERROR_INVALID_PARAM;
    for (int m = 0; m < model_count; m++) {
        const mock_model *mm = &models[m];
        if (strcmp(mm->op, opType) != 0 || mm->ninputs != numInputs || mm->noutputs != numOutputs) continue;
        int same = 1;
        for (int i = 0; same && i < numInputs; i++) same = mock_tensor_equal(&mm->inputs[i], &inputDesc[i]->t);
        for (int i = 0; same && i < numOutputs; i++) same = mock_tensor_equal(&mm->outputs[i], &outputDesc[i]->t);
        if (same) {
            *handle = calloc(1, sizeof(aclopHandle));
            if (!*handle) return ACL_ERROR_FAILURE;
            (*handle)->model = m;
            live_handles++;
            return ACL_SUCCESS;
        }
    }
    set_error("Op[%s] with %d inputs and %d outputs not found in the %d loaded model(s)", opType, numInputs,
              numOutputs, model_count);
    return ACL_ERROR_OP_NOT_FOUND;
}

void aclopDestroyHandle(aclopHandle *handle) {
    if (handle) live_handles--;
    free(handle);
}
