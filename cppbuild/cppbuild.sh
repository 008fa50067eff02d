#!/usr/bin/env bash
# Builds or locates the native side of ivfsp-native for $PLATFORM (JavaCPP presets convention).
#
#   cppbuild.sh mock OUT        builds the mock CANN into OUT: include/acl/*.h and lib64/libascendcl.so,
#                               lib64/libpyatc_wrapper.so (same sonames and include paths as a toolkit)
#   cppbuild.sh toolkit DIR     checks that DIR (a CANN toolkit, e.g. /usr/local/Ascend/ascend-toolkit/latest)
#                               has include/acl/acl.h and lib64/libascendcl.so
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
PLATFORM=${PLATFORM:-$(uname -s | tr '[:upper:]' '[:lower:]')-$(uname -m | sed 's/aarch64/arm64/;s/amd64/x86_64/')}

case "$PLATFORM" in
    linux-x86_64|linux-arm64) ;;
    *) echo "cppbuild.sh: unsupported platform $PLATFORM (CANN exists for linux-x86_64 and linux-arm64)" >&2; exit 1 ;;
esac

mode=${1:-}
case "$mode" in
    mock)
        out=${2:?cppbuild.sh mock OUT: the output directory is missing}
        mkdir -p "$out/include/acl" "$out/lib64"
        cp "$here"/mock/include/acl/*.h "$out/include/acl/"
        cc=${CC:-gcc}
        flags=(-std=c11 -O2 -fPIC -Wall -Wextra -Werror -shared -Wl,-z,now -I"$here/mock/include" -I"$here/mock/src")
        "$cc" "${flags[@]}" -Wl,-soname,libascendcl.so -o "$out/lib64/libascendcl.so.tmp" \
            "$here/mock/src/acl_mock.c" "$here/mock/src/mock_om.c"
        "$cc" "${flags[@]}" -Wl,-soname,libpyatc_wrapper.so -o "$out/lib64/libpyatc_wrapper.so.tmp" \
            "$here/mock/src/atc_mock.c" "$here/mock/src/mock_om.c"
        mv -f "$out/lib64/libascendcl.so.tmp" "$out/lib64/libascendcl.so"
        mv -f "$out/lib64/libpyatc_wrapper.so.tmp" "$out/lib64/libpyatc_wrapper.so"
        echo "cppbuild.sh: mock CANN for $PLATFORM built in $out"
        ;;
    toolkit)
        dir=${2:-${ASCEND_HOME:-}}
        [ -n "$dir" ] || { echo "cppbuild.sh toolkit DIR: give the toolkit directory or set ASCEND_HOME" >&2; exit 1; }
        for f in include/acl/acl.h include/acl/acl_op.h include/acl/acl_op_compiler.h lib64/libascendcl.so; do
            [ -e "$dir/$f" ] || { echo "cppbuild.sh: $dir/$f is missing: is $dir a CANN toolkit directory?" >&2; exit 1; }
        done
        echo "cppbuild.sh: using the CANN toolkit in $dir for $PLATFORM"
        ;;
    *)
        echo "usage: cppbuild.sh mock OUT | cppbuild.sh toolkit DIR" >&2
        exit 2
        ;;
esac
