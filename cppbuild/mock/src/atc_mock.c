/* Mock libpyatc_wrapper.so: GeApiWrapper_Atc_Main compiles a single-op JSON file into simulated .om files
 * named as ATC names them (<index>_<OpType>_<dtype>_<format>_<dims>..., cut to 128 characters). */
#define _GNU_SOURCE
#include "mock_om.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* A minimal JSON reader, enough for single-op files: arrays, objects, strings, integers. */
typedef struct { const char *p; int error; } json_in;

static void skip_ws(json_in *in) {
    while (isspace((unsigned char) *in->p)) in->p++;
}

static int expect(json_in *in, char c) {
    skip_ws(in);
    if (*in->p != c) { in->error = 1; return 0; }
    in->p++;
    return 1;
}

/* Reads a JSON string into out (cut to cap - 1 bytes). Never reads past the terminating NUL of the input:
 * an escape or a \\u sequence cut short by the end of the text is an error. */
static int read_string(json_in *in, char *out, size_t cap) {
    if (cap > 0) out[0] = '\0';
    if (!expect(in, '"')) return 0;
    size_t n = 0;
    while (*in->p && *in->p != '"') {
        char c = *in->p++;
        if (c == '\\') {
            if (!*in->p) { in->error = 1; return 0; }
            c = *in->p++;
            if (c == 'u') {
                for (int i = 0; i < 4; i++) {
                    if (!isxdigit((unsigned char) *in->p)) { in->error = 1; return 0; }
                    in->p++;
                }
                c = '?';
            }
        }
        if (n + 1 < cap) out[n++] = c;
    }
    if (cap > 0) out[n] = '\0';
    return expect(in, '"');
}

static int peek(json_in *in, char c) {
    skip_ws(in);
    return *in->p == c;
}

/* Deeper nesting than any single-op file has is refused instead of recursing without bound. */
#define MAX_DEPTH 32

static void skip_value_at(json_in *in, int depth) {
    skip_ws(in);
    char buf[256];
    if (depth > MAX_DEPTH) { in->error = 1; return; }
    if (*in->p == '"') { read_string(in, buf, sizeof(buf)); return; }
    if (*in->p == '[' || *in->p == '{') {
        char close = *in->p == '[' ? ']' : '}';
        int object = *in->p == '{';
        in->p++;
        if (peek(in, close)) { in->p++; return; }
        do {
            if (object && (!read_string(in, buf, sizeof(buf)) || !expect(in, ':'))) return;
            skip_value_at(in, depth + 1);
        } while (!in->error && peek(in, ',') && in->p++);
        expect(in, close);
        return;
    }
    char *end;
    strtod(in->p, &end);
    if (end == in->p) {
        if (strncmp(in->p, "true", 4) == 0 || strncmp(in->p, "null", 4) == 0) in->p += 4;
        else if (strncmp(in->p, "false", 5) == 0) in->p += 5;
        else in->error = 1;
    } else {
        in->p = end;
    }
}

static void skip_value(json_in *in) {
    skip_value_at(in, 0);
}

static int read_int_array(json_in *in, int64_t *out, int cap) {
    int n = 0;
    if (!expect(in, '[')) return -1;
    if (peek(in, ']')) { in->p++; return 0; }
    do {
        skip_ws(in);
        char *end;
        long long v = strtoll(in->p, &end, 10);
        if (end == in->p || n >= cap) { in->error = 1; return -1; }
        in->p = end;
        out[n++] = v;
    } while (peek(in, ',') && in->p++);
    return expect(in, ']') ? n : -1;
}

static int dtype_enum(const char *s) {
    static const char *names[] = {"float", "float32", "float16", "int8", "int32", "uint8", "int16", "uint16",
                                  "uint32", "int64", "uint64", "double", "bool"};
    static const int values[] = {0, 0, 1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12};
    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        if (strcmp(s, names[i]) == 0) return values[i];
    }
    return -1;
}

static int read_tensor(json_in *in, mock_tensor *t) {
    memset(t, 0, sizeof(*t));
    t->dtype = -1;
    t->format = -1;
    if (!expect(in, '{')) return -1;
    do {
        char key[64], value[64];
        if (!read_string(in, key, sizeof(key)) || !expect(in, ':')) return -1;
        if (strcmp(key, "format") == 0) {
            read_string(in, value, sizeof(value));
            t->format = strcmp(value, "ND") == 0 ? 2 : -1;
        } else if (strcmp(key, "type") == 0) {
            read_string(in, value, sizeof(value));
            t->dtype = dtype_enum(value);
        } else if (strcmp(key, "shape") == 0) {
            t->rank = read_int_array(in, t->dims, MOCK_MAX_DIMS);
        } else if (strcmp(key, "shape_range") == 0) {
            if (!expect(in, '[')) return -1;
            if (peek(in, ']')) { in->p++; continue; }
            do {
                int64_t pair[2];
                if (read_int_array(in, pair, 2) != 2 || t->nranges >= MOCK_MAX_DIMS) return -1;
                t->ranges[t->nranges][0] = pair[0];
                t->ranges[t->nranges][1] = pair[1];
                t->nranges++;
            } while (peek(in, ',') && in->p++);
            if (!expect(in, ']')) return -1;
        } else {
            skip_value(in);
        }
    } while (!in->error && peek(in, ',') && in->p++);
    if (!expect(in, '}')) return -1;
    return t->dtype < 0 || t->format < 0 || t->rank < 0 ? -1 : 0;
}

static int read_tensors(json_in *in, mock_tensor *out, int *count) {
    *count = 0;
    if (!expect(in, '[')) return -1;
    if (peek(in, ']')) { in->p++; return 0; }
    do {
        if (*count >= MOCK_MAX_TENSORS || read_tensor(in, &out[(*count)++]) != 0) return -1;
    } while (peek(in, ',') && in->p++);
    return expect(in, ']') ? 0 : -1;
}

static int read_op(json_in *in, mock_model *m) {
    memset(m, 0, sizeof(*m));
    if (!expect(in, '{')) return -1;
    do {
        char key[64];
        if (!read_string(in, key, sizeof(key)) || !expect(in, ':')) return -1;
        if (strcmp(key, "op") == 0) {
            read_string(in, m->op, sizeof(m->op));
        } else if (strcmp(key, "input_desc") == 0) {
            if (read_tensors(in, m->inputs, &m->ninputs) != 0) return -1;
        } else if (strcmp(key, "output_desc") == 0) {
            if (read_tensors(in, m->outputs, &m->noutputs) != 0) return -1;
        } else {
            skip_value(in);
        }
    } while (!in->error && peek(in, ',') && in->p++);
    return expect(in, '}') && m->op[0] ? 0 : -1;
}

static void om_name(int index, const mock_model *m, char *out, size_t cap) {
    char stem[4096];
    int n = snprintf(stem, sizeof(stem), "%d_%s", index, m->op);
    const mock_tensor *lists[2] = {m->inputs, m->outputs};
    int counts[2] = {m->ninputs, m->noutputs};
    /* Stop once past the 128-character cut: nothing after it is kept, and stem can never overflow. */
    for (int l = 0; l < 2 && n <= 128; l++) {
        for (int i = 0; i < counts[l] && n <= 128; i++) {
            const mock_tensor *t = &lists[l][i];
            n += snprintf(stem + n, sizeof(stem) - (size_t) n, "_%d_%d", t->dtype, t->format);
            for (int d = 0; d < t->rank && n <= 128; d++) n += snprintf(stem + n, sizeof(stem) - (size_t) n, "_%lld", (long long) t->dims[d]);
        }
    }
    size_t len = strlen(stem);
    if (len > 128) len = 128;
    if (len + 4 > cap) len = cap - 4; /* cap is at least 133 at every caller */
    memcpy(out, stem, len);
    memcpy(out + len, ".om", 4);
}

static int fail(const char *code, const char *message) {
    printf("ATC run failed, Please check the detail log, Try 'atc --help' for more information\n%s: %s\n", code, message);
    fflush(stdout);
    return 255;
}

__attribute__((visibility("default")))
const char *ivfsp_mock_cann_identity(void) {
    return IVFSP_MOCK_CANN_IDENTITY;
}

/* Like a C main, argv[argc] must be NULL; the mock checks it so that a caller that forgets fails here. */
__attribute__((visibility("default")))
int GeApiWrapper_Atc_Main(int argc, const char *const *argv) {
    const char *singleop = NULL, *soc = NULL, *output = NULL;
    if (argc < 1 || !argv || argv[argc] != NULL) return fail("E10001", "argv must be NULL-terminated");
    /* What a real ATC shows in its log: here on stderr, so that a caller can check both streams are kept. */
    const char *workers = getenv("TE_PARALLEL_COMPILER");
    fprintf(stderr, "[mock atc] TE_PARALLEL_COMPILER=%s\n", workers && *workers ? workers : "(unset)");
    fflush(stderr);
    for (int i = 1; i < argc; i++) {
        if (strncmp(argv[i], "--singleop=", 11) == 0) singleop = argv[i] + 11;
        else if (strncmp(argv[i], "--soc_version=", 14) == 0) soc = argv[i] + 14;
        else if (strncmp(argv[i], "--output=", 9) == 0) output = argv[i] + 9;
        else if (strncmp(argv[i], "--log=", 6) != 0) return fail("E10001", argv[i]);
    }
    if (!singleop || !soc || !output) return fail("E10004", "--singleop, --soc_version and --output are required");

    FILE *f = fopen(singleop, "rb");
    if (!f) return fail("E10023", singleop);
    long size = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
    if (size < 0 || size > MOCK_MAX_MODEL_BYTES || fseek(f, 0, SEEK_SET) != 0) { fclose(f); return fail("E10023", singleop); }
    char *text = malloc((size_t) size + 1);
    if (!text || fread(text, 1, (size_t) size, f) != (size_t) size) { fclose(f); free(text); return fail("E10023", singleop); }
    text[size] = '\0';
    fclose(f);

    const char *work = getenv("ASCEND_WORK_PATH");
    char side[4096];
    snprintf(side, sizeof(side), "%s/fusion_result.json", work && *work ? work : ".");
    FILE *s = fopen(side, "w");
    if (s) { fputs("[]", s); fclose(s); }
    /* Like ATC, kernels go to kernel_meta/ under the work path. */
    snprintf(side, sizeof(side), "%s/kernel_meta", work && *work ? work : ".");
    mkdir(side, 0700);
    snprintf(side, sizeof(side), "%s/kernel_meta/kernel.o", work && *work ? work : ".");
    s = fopen(side, "w");
    if (s) { fputs("mock kernel", s); fclose(s); }

    json_in in = {text, 0};
    int index = 0, rc = 0;
    if (!expect(&in, '[')) { free(text); return fail("E10025", "not a JSON list of ops"); }
    if (!peek(&in, ']')) {
        do {
            mock_model m;
            if (read_op(&in, &m) != 0) { rc = fail("E10025", "invalid op in the single-op file"); break; }
            snprintf(m.soc, sizeof(m.soc), "%s", soc);
            char name[512], path[8192];
            om_name(index++, &m, name, sizeof(name));
            snprintf(path, sizeof(path), "%s/%s", output, name);
            if (mock_om_write(path, &m) != 0) { rc = fail("E19999", path); break; }
        } while (peek(&in, ',') && in.p++);
    }
    free(text);
    if (rc == 0) {
        printf("ATC run success, welcome to the next use.\n");
        fflush(stdout);
    }
    return rc;
}
