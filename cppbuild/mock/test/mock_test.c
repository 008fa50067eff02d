/* Drives the mock CANN and ivfsp's C glue through their failure paths. cppbuild.sh test builds it with
 * -Wall -Wextra -Werror under AddressSanitizer + UndefinedBehaviorSanitizer (and, for linux-arm64, runs
 * it under qemu-aarch64); any overread, leak or undefined behaviour aborts the run.
 *   mock_test <dir with libpyatc_wrapper.so> <scratch dir>
 * Prints "N passed, N failed" and exits 1 if anything failed. */
#define _GNU_SOURCE
#include "acl/acl.h"
#include "ivfsp_glue.h"
#include "mock_om.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int passed, failed;

const char *ivfsp_mock_stats(void);

#define CHECK(cond)                                                                 \
    do {                                                                            \
        if (cond) {                                                                 \
            passed++;                                                               \
        } else {                                                                    \
            failed++;                                                               \
            fprintf(stderr, "FAILED %s:%d: %s\n", __FILE__, __LINE__, #cond);       \
        }                                                                           \
    } while (0)

static char scratch[4096];

static void write_file(const char *name, const char *text, char *path, size_t cap) {
    snprintf(path, cap, "%s/%s", scratch, name);
    FILE *f = fopen(path, "w");
    if (!f) { perror(path); exit(2); }
    fputs(text, f);
    fclose(f);
}

static const char *MODEL =
    "IVFSP-MOCK-OM 1\nsoc Ascend310P3\nop Add\ninput 0 2 2 1 4 0\noutput 0 2 2 1 4 0\nend\n";

static aclError handle_for_add(int64_t d0) {
    int64_t dims[2] = {1, d0};
    aclTensorDesc *in = aclCreateTensorDesc(ACL_FLOAT, 2, dims, ACL_FORMAT_ND);
    aclTensorDesc *out = aclCreateTensorDesc(ACL_FLOAT, 2, dims, ACL_FORMAT_ND);
    aclopAttr *attr = aclopCreateAttr();
    const aclTensorDesc *ins[1] = {in}, *outs[1] = {out};
    aclopHandle *h = NULL;
    aclError rc = in && out && attr ? aclopCreateHandle("Add", 1, ins, 1, outs, attr, &h) : ACL_ERROR_UNINITIALIZE;
    if (rc == ACL_SUCCESS) aclopDestroyHandle(h);
    aclDestroyTensorDesc(in);
    aclDestroyTensorDesc(out);
    aclopDestroyAttr(attr);
    return rc;
}

static void acl_lifecycle(void) {
    CHECK(aclrtGetSocName() == NULL);                         /* before aclInit */
    CHECK(aclopLoad(MODEL, strlen(MODEL)) == ACL_ERROR_UNINITIALIZE);
    CHECK(aclInit(NULL) == ACL_SUCCESS);
    CHECK(aclInit(NULL) == ACL_ERROR_REPEAT_INITIALIZE);
    CHECK(strcmp(aclrtGetSocName(), "Ascend310P3") == 0);
    CHECK(aclrtSetDevice(7) == ACL_ERROR_INVALID_PARAM);
    CHECK(aclGetRecentErrMsg() != NULL);

    CHECK(handle_for_add(4) == ACL_ERROR_OP_NOT_FOUND);      /* nothing loaded yet */
    CHECK(aclopLoad("garbage", 7) == ACL_ERROR_READ_MODEL_FAILURE);
    CHECK(aclopLoad(MODEL, 0) == ACL_ERROR_INVALID_PARAM);
    CHECK(aclopLoad(MODEL, strlen(MODEL) - 5) == ACL_ERROR_READ_MODEL_FAILURE); /* cut short */
    char with_nul[256];
    memcpy(with_nul, MODEL, strlen(MODEL) + 1);
    with_nul[20] = '\0';
    CHECK(aclopLoad(with_nul, strlen(MODEL)) == ACL_ERROR_READ_MODEL_FAILURE);
    /* Not NUL-terminated: the mock must copy exactly modelSize bytes. */
    size_t n = strlen(MODEL);
    char *exact = malloc(n);
    memcpy(exact, MODEL, n);
    CHECK(aclopLoad(exact, n) == ACL_SUCCESS);
    free(exact);
    CHECK(handle_for_add(4) == ACL_SUCCESS);
    CHECK(handle_for_add(8) == ACL_ERROR_OP_NOT_FOUND);

    int64_t dims[2] = {1, -1};
    aclTensorDesc *d = aclCreateTensorDesc(ACL_FLOAT, 2, dims, ACL_FORMAT_ND);
    int64_t ranges[3][2] = {{1, 1}, {1, 8}, {1, 8}};
    CHECK(aclSetTensorShapeRange(d, 3, ranges) == ACL_ERROR_INVALID_PARAM); /* one range per dimension */
    CHECK(aclSetTensorShapeRange(d, 2, ranges) == ACL_SUCCESS);
    aclDestroyTensorDesc(d);
    CHECK(aclCreateTensorDesc(ACL_FLOAT, MOCK_MAX_DIMS + 1, dims, ACL_FORMAT_ND) == NULL);

    /* Model directory: junk and oversized names are skipped, a second directory is refused. */
    char path[8192];
    write_file("junk.om", "IVFSP-MOCK-OM 1\nop X\ninput 1 2 99999\nend\n", path, sizeof(path));
    write_file("long.om", "IVFSP-MOCK-OM 1\nsoc Ascend310P3\nop AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\nend\n", path, sizeof(path));
    write_file("truncated.om", "IVFSP-MOCK-OM 1\nsoc Ascend310P3\nop Y\ninput 0 2 2 1", path, sizeof(path));
    snprintf(path, sizeof(path), "%s/does-not-exist", scratch);
    CHECK(aclopSetModelDir(path) == ACL_ERROR_INVALID_PARAM);
    CHECK(aclopSetModelDir(NULL) == ACL_ERROR_INVALID_PARAM);
    CHECK(aclopSetModelDir(scratch) == ACL_SUCCESS);
    CHECK(aclopSetModelDir(scratch) == ACL_ERROR_REPEAT_INITIALIZE);

    CHECK(strcmp(ivfsp_mock_stats(), "descriptors=0 attrs=0 handles=0") == 0);
    setenv("IVFSP_MOCK_FAIL_SHAPE_RANGE", "1", 1);
    d = aclCreateTensorDesc(ACL_FLOAT, 2, dims, ACL_FORMAT_ND);
    CHECK(aclSetTensorShapeRange(d, 2, ranges) == ACL_ERROR_FAILURE);
    aclDestroyTensorDesc(d);
    unsetenv("IVFSP_MOCK_FAIL_SHAPE_RANGE");

    CHECK(aclFinalize() == ACL_SUCCESS);
    /* Any call after aclFinalize fails, aclInit included. */
    CHECK(aclFinalize() == ACL_ERROR_REPEAT_FINALIZE);
    CHECK(aclInit(NULL) == ACL_ERROR_REPEAT_FINALIZE);
    CHECK(aclrtGetSocName() == NULL);
    uint32_t count = 0;
    CHECK(aclrtGetDeviceCount(&count) == ACL_ERROR_UNINITIALIZE);
    CHECK(aclopLoad(MODEL, strlen(MODEL)) == ACL_ERROR_UNINITIALIZE);
    CHECK(handle_for_add(4) == ACL_ERROR_UNINITIALIZE);
    CHECK(aclCreateTensorDesc(ACL_FLOAT, 2, dims, ACL_FORMAT_ND) == NULL);
}

static void om_parser(void) {
    mock_model m;
    CHECK(mock_om_parse(MODEL, &m) == 0);
    CHECK(mock_om_parse("", &m) != 0);
    CHECK(mock_om_parse("IVFSP-MOCK-OM 1\n", &m) != 0);
    CHECK(mock_om_parse("IVFSP-MOCK-OM 1\nop A\ninput 0 2 17 1\nend\n", &m) != 0);     /* rank too large */
    CHECK(mock_om_parse("IVFSP-MOCK-OM 1\nop A\ninput 0 2 1 4 99 1 2\nend\n", &m) != 0); /* ranges too many */
    char big[6000];
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    memcpy(big, "IVFSP-MOCK-OM 1\n", 16);
    CHECK(mock_om_parse(big, &m) != 0);                                                 /* line too long */
}

typedef int (*atc_fn)(int, const char *const *);

static int run_atc(void *entry, const char *json_text, const char *out_dir) {
    char json[8192], singleop[8300], output[8300];
    write_file("op.json", json_text, json, sizeof(json));
    snprintf(singleop, sizeof(singleop), "--singleop=%s", json);
    snprintf(output, sizeof(output), "--output=%s", out_dir);
    const char *argv[] = {"atc", singleop, "--soc_version=Ascend310P3", output, NULL};
    return ivfsp_atc_main(entry, 4, argv);
}

static void atc_and_glue(const char *libdir) {
    char error[256], lib[4096];
    CHECK(ivfsp_find_symbol("libivfsp-no-such-library.so", "x", error, sizeof(error)) == NULL);
    CHECK(strstr(error, "libivfsp-no-such-library.so") != NULL);
    snprintf(lib, sizeof(lib), "%s/libpyatc_wrapper.so", libdir);
    CHECK(ivfsp_find_symbol(lib, "no_such_symbol", error, sizeof(error)) == NULL);
    CHECK(error[0] != '\0');
    CHECK(ivfsp_find_symbol(lib, "x", error, 0) == NULL || 1);  /* no error buffer: must not write */
    void *entry = ivfsp_find_symbol(lib, "GeApiWrapper_Atc_Main", error, sizeof(error));
    CHECK(entry != NULL);
    if (!entry) return;
    void *identity = ivfsp_find_symbol(lib, "ivfsp_mock_cann_identity", error, sizeof(error));
    CHECK(identity != NULL && strcmp(ivfsp_call_string(identity), IVFSP_MOCK_CANN_IDENTITY) == 0);
    char file[4096];
    CHECK(ivfsp_library_file(entry, file, sizeof(file)) == 0 && strstr(file, "libpyatc_wrapper.so") != NULL);
    CHECK(ivfsp_library_file(entry, file, 4) == -1);   /* too small: refused, not cut */

    /* Everything the compiler prints goes to the capture file, both streams, and is put back after. */
    char capture[8192];
    snprintf(capture, sizeof(capture), "%s/capture.log", scratch);
    int saved[2];
    CHECK(ivfsp_capture_begin(capture, saved) == 0);
    CHECK(ivfsp_setenv("TE_PARALLEL_COMPILER", "3") == 0);
    int ok = run_atc(entry, "[{\"op\":\"Add\",\"input_desc\":[{\"format\":\"ND\",\"shape\":[1,4],\"type\":\"float32\"}],"
                            "\"output_desc\":[{\"format\":\"ND\",\"shape\":[1,4],\"type\":\"float32\"}]}]", scratch);
    int bad_escape = run_atc(entry, "[{\"op\":\"A\\", scratch);
    int bad_unicode = run_atc(entry, "[{\"op\":\"A\\u12", scratch);
    int bad_unicode2 = run_atc(entry, "[{\"op\":\"A\\u12\"}]", scratch);
    char deep[4000];
    strcpy(deep, "[{\"op\":\"A\",\"x\":");
    for (size_t i = strlen(deep); i < sizeof(deep) - 1; i++) deep[i] = '[';
    deep[sizeof(deep) - 1] = '\0';
    int too_deep = run_atc(entry, deep, scratch);
    int empty = run_atc(entry, "", scratch);
    const char *unterminated[] = {"atc", "--soc_version=x", "sentinel"};
    int not_null_terminated = ivfsp_atc_main(entry, 2, unterminated);
    ivfsp_capture_end(saved);
    CHECK(ivfsp_capture_begin(capture, saved) == EEXIST);   /* never reuses or follows an existing file */
    CHECK(ok == 0);
    CHECK(bad_escape == 255 && bad_unicode == 255 && bad_unicode2 == 255);
    CHECK(too_deep == 255 && empty == 255 && not_null_terminated == 255);
    FILE *f = fopen(capture, "r");
    char text[8192] = {0};
    size_t got = f ? fread(text, 1, sizeof(text) - 1, f) : 0;
    if (f) fclose(f);
    CHECK(got > 0);
    CHECK(strstr(text, "ATC run success") != NULL);
    CHECK(strstr(text, "[mock atc] TE_PARALLEL_COMPILER=3") != NULL);
    CHECK(strstr(text, "argv must be NULL-terminated") != NULL);
    CHECK(strcmp(ivfsp_getenv("TE_PARALLEL_COMPILER"), "3") == 0);
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: mock_test <dir with libpyatc_wrapper.so> <scratch dir>\n");
        return 2;
    }
    snprintf(scratch, sizeof(scratch), "%s", argv[2]);
    mkdir(scratch, 0700);
    /* The mock ATC's side files (fusion_result.json, kernel_meta/) go here, not to the working directory. */
    setenv("ASCEND_WORK_PATH", scratch, 1);
    acl_lifecycle();
    om_parser();
    atc_and_glue(argv[1]);
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
