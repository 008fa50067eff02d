/* Thin C glue of ivfsp-native, beside the ACL headers: finding an optional symbol at run time and
 * calling it, and setting an environment variable for an in-process ATC run. All logic is in Java. */
#ifndef IVFSP_GLUE_H_
#define IVFSP_GLUE_H_

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

/* The address of symbol in library (opened once, never closed), or NULL with the reason in error. */
static inline void *ivfsp_find_symbol(const char *library, const char *symbol, char *error, int errorLength) {
    void *handle = dlopen(library, RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) {
        const char *why = dlerror();
        snprintf(error, (size_t) errorLength, "%s", why != NULL ? why : "dlopen failed");
        return NULL;
    }
    dlerror();
    void *address = dlsym(handle, symbol);
    if (address == NULL) {
        const char *why = dlerror();
        snprintf(error, (size_t) errorLength, "%s", why != NULL ? why : "the symbol is NULL");
    }
    return address;
}

/* Calls int GeApiWrapper_Atc_Main(int argc, const char *const *argv) at address. */
static inline int ivfsp_atc_main(void *address, int argc, const char *const *argv) {
    typedef int (*atc_main_fn)(int, const char *const *);
    return ((atc_main_fn) address)(argc, argv);
}

static inline int ivfsp_setenv(const char *name, const char *value) {
    return setenv(name, value, 1);
}

#endif
