/* Thin C glue of ivfsp-native, beside the ACL headers: finding an optional symbol at run time and
 * calling it, reading and (rarely) setting the C environment, and capturing what an in-process call
 * writes to file descriptors 1 and 2. All logic and all locking is in Java (InProcessAtcCompiler). */
#ifndef IVFSP_GLUE_H_
#define IVFSP_GLUE_H_

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The address of symbol in library, or NULL with the reason in error. The library stays open for the
 * life of the process (it is never dlclosed): the caller looks each library up once and keeps it. */
static inline void *ivfsp_find_symbol(const char *library, const char *symbol, char *error, int errorLength) {
    if (error != NULL && errorLength > 0) error[0] = '\0';
    void *handle = dlopen(library, RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) {
        const char *why = dlerror();
        if (error != NULL && errorLength > 0) snprintf(error, (size_t) errorLength, "%s", why != NULL ? why : "dlopen failed");
        return NULL;
    }
    dlerror();
    void *address = dlsym(handle, symbol);
    if (address == NULL) {
        const char *why = dlerror();
        if (error != NULL && errorLength > 0) snprintf(error, (size_t) errorLength, "%s", why != NULL ? why : "the symbol is NULL");
    }
    return address;
}

/* The file the dynamic linker loaded the symbol at address from, into path; 0, or -1 if unknown. */
static inline int ivfsp_library_file(void *address, char *path, int pathLength) {
    Dl_info info;
    if (address == NULL || path == NULL || pathLength <= 0 || dladdr(address, &info) == 0 || info.dli_fname == NULL) {
        return -1;
    }
    int n = snprintf(path, (size_t) pathLength, "%s", info.dli_fname);
    return n < 0 || n >= pathLength ? -1 : 0;
}

/* Calls const char *f(void) at address (the mock CANN's identity function). */
static inline const char *ivfsp_call_string(void *address) {
    typedef const char *(*string_fn)(void);
    return address != NULL ? ((string_fn) address)() : NULL;
}

/* Calls int GeApiWrapper_Atc_Main(int argc, const char *const *argv) at address; argv[argc] must be NULL. */
static inline int ivfsp_atc_main(void *address, int argc, const char *const *argv) {
    typedef int (*atc_main_fn)(int, const char *const *);
    return ((atc_main_fn) address)(argc, argv);
}

/* getenv of the C environment (Java's System.getenv is a copy taken at start-up). */
static inline const char *ivfsp_getenv(const char *name) {
    return getenv(name);
}

/* setenv; the caller serializes it and calls it only when the value changes (glibc's environment is
 * not safe against a concurrent getenv on another thread). */
static inline int ivfsp_setenv(const char *name, const char *value) {
    return setenv(name, value, 1) == 0 ? 0 : errno;
}

/* Sends file descriptors 1 and 2 to a new file at path (created 0600, never through a symbolic link);
 * saved receives the duplicates that ivfsp_capture_end restores. 0, or the errno of what failed (then
 * nothing is changed). The caller holds one lock across begin, the call and end. */
static inline int ivfsp_capture_begin(const char *path, int *saved) {
    fflush(NULL);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) return errno;
    if (fd <= STDERR_FILENO) { /* 1 or 2 was closed and open reused it: move the file out of the way */
        int moved = fcntl(fd, F_DUPFD_CLOEXEC, 3);
        int why = errno;
        close(fd);
        if (moved < 0) return why;
        fd = moved;
    }
    saved[0] = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
    saved[1] = fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
    int error = 0;
    if (dup2(fd, STDOUT_FILENO) < 0) {
        error = errno;
    } else if (dup2(fd, STDERR_FILENO) < 0) {
        error = errno;
        if (saved[0] >= 0) dup2(saved[0], STDOUT_FILENO);
    }
    close(fd);
    if (error != 0) {
        if (saved[0] >= 0) close(saved[0]);
        if (saved[1] >= 0) close(saved[1]);
        saved[0] = saved[1] = -1;
    }
    return error;
}

/* Puts back what ivfsp_capture_begin saved (a descriptor that was closed before is closed again). */
static inline void ivfsp_capture_end(int *saved) {
    fflush(NULL);
    for (int i = 0; i < 2; i++) {
        int target = i == 0 ? STDOUT_FILENO : STDERR_FILENO;
        if (saved[i] >= 0) {
            dup2(saved[i], target);
            close(saved[i]);
        } else {
            close(target);
        }
        saved[i] = -1;
    }
}

#endif
