#include "mock_om.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int parse_tensor(const char *line, mock_tensor *t) {
    const char *p = line;
    char *end;
    long long v[3];
    for (int i = 0; i < 3; i++) {
        v[i] = strtoll(p, &end, 10);
        if (end == p) return -1;
        p = end;
    }
    t->dtype = (int) v[0];
    t->format = (int) v[1];
    t->rank = (int) v[2];
    if (t->rank < 0 || t->rank > MOCK_MAX_DIMS) return -1;
    for (int i = 0; i < t->rank; i++) {
        t->dims[i] = strtoll(p, &end, 10);
        if (end == p) return -1;
        p = end;
    }
    t->nranges = (int) strtol(p, &end, 10);
    if (end == p || t->nranges < 0 || t->nranges > MOCK_MAX_DIMS) return -1;
    p = end;
    for (int i = 0; i < t->nranges; i++) {
        for (int j = 0; j < 2; j++) {
            t->ranges[i][j] = strtoll(p, &end, 10);
            if (end == p) return -1;
            p = end;
        }
    }
    return 0;
}

static int copy_field(char *dst, size_t cap, const char *src) {
    size_t n = strlen(src);
    if (n >= cap) return -1;
    memcpy(dst, src, n + 1);
    return 0;
}

int mock_om_parse(const char *text, mock_model *m) {
    memset(m, 0, sizeof(*m));
    if (strncmp(text, "IVFSP-MOCK-OM 1\n", 16) != 0) return -1;
    const char *line = text + 16;
    int ended = 0;
    while (*line) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t) (nl - line) : strlen(line);
        char buf[4096];
        if (len >= sizeof(buf)) return -1;
        memcpy(buf, line, len);
        buf[len] = '\0';
        if (strncmp(buf, "soc ", 4) == 0) {
            if (copy_field(m->soc, sizeof(m->soc), buf + 4) != 0) return -1;
        } else if (strncmp(buf, "op ", 3) == 0) {
            if (copy_field(m->op, sizeof(m->op), buf + 3) != 0) return -1;
        } else if (strncmp(buf, "input ", 6) == 0) {
            if (m->ninputs >= MOCK_MAX_TENSORS || parse_tensor(buf + 6, &m->inputs[m->ninputs++]) != 0) return -1;
        } else if (strncmp(buf, "output ", 7) == 0) {
            if (m->noutputs >= MOCK_MAX_TENSORS || parse_tensor(buf + 7, &m->outputs[m->noutputs++]) != 0) return -1;
        } else if (strcmp(buf, "end") == 0) {
            ended = 1;
            break;
        } else if (len > 0) {
            return -1;
        }
        if (!nl) break;
        line = nl + 1;
    }
    return ended && m->op[0] ? 0 : -1;
}

static void write_tensor(FILE *f, const char *kind, const mock_tensor *t) {
    fprintf(f, "%s %d %d %d", kind, t->dtype, t->format, t->rank);
    for (int i = 0; i < t->rank; i++) fprintf(f, " %lld", (long long) t->dims[i]);
    fprintf(f, " %d", t->nranges);
    for (int i = 0; i < t->nranges; i++) fprintf(f, " %lld %lld", (long long) t->ranges[i][0], (long long) t->ranges[i][1]);
    fputc('\n', f);
}

int mock_om_write(const char *path, const mock_model *m) {
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    fprintf(f, "IVFSP-MOCK-OM 1\nsoc %s\nop %s\n", m->soc, m->op);
    for (int i = 0; i < m->ninputs; i++) write_tensor(f, "input", &m->inputs[i]);
    for (int i = 0; i < m->noutputs; i++) write_tensor(f, "output", &m->outputs[i]);
    fputs("end\n", f);
    return fclose(f) == 0 ? 0 : -1;
}

int mock_tensor_equal(const mock_tensor *a, const mock_tensor *b) {
    if (a->dtype != b->dtype || a->format != b->format || a->rank != b->rank || a->nranges != b->nranges) return 0;
    for (int i = 0; i < a->rank; i++) {
        if (a->dims[i] != b->dims[i]) return 0;
    }
    for (int i = 0; i < a->nranges; i++) {
        if (a->ranges[i][0] != b->ranges[i][0] || a->ranges[i][1] != b->ranges[i][1]) return 0;
    }
    return 1;
}
