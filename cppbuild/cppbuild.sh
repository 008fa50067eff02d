#!/usr/bin/env bash
# Builds or locates the native side of ivfsp-native for $PLATFORM (JavaCPP presets convention).
#
#   cppbuild.sh mock OUT        builds the mock CANN into OUT: include/acl/*.h, lib64/libascendcl.so,
#                               lib64/libpyatc_wrapper.so (same sonames and include paths as a toolkit)
#                               and opp/version.info
#   cppbuild.sh test OUT        builds the mock CANN and the C glue's test driver into OUT/test with
#                               -Wall -Wextra -Werror and runs it: under AddressSanitizer and
#                               UndefinedBehaviorSanitizer on the build machine's own platform, under
#                               qemu-aarch64 when PLATFORM=linux-arm64 is cross-built
#   cppbuild.sh toolkit DIR     checks that DIR (a CANN toolkit, e.g. /usr/local/Ascend/ascend-toolkit/latest)
#                               has include/acl/acl.h and lib64/libascendcl.so
#
# PLATFORM is linux-x86_64 or linux-arm64 (default: this machine's). For the other CPU the Debian cross
# compiler is used (x86_64-linux-gnu-gcc or aarch64-linux-gnu-gcc); CC overrides the choice.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
glue="$here/../ivfsp-native/src/main/cpp"
host_platform=linux-$(uname -m | sed 's/aarch64/arm64/;s/amd64/x86_64/')
PLATFORM=${PLATFORM:-$host_platform}

case "$PLATFORM" in
    linux-x86_64) triplet=x86_64-linux-gnu ;;
    linux-arm64) triplet=aarch64-linux-gnu ;;
    *) echo "cppbuild.sh: unsupported platform $PLATFORM (CANN exists for linux-x86_64 and linux-arm64)" >&2; exit 1 ;;
esac

cross=false
[ "$PLATFORM" = "$host_platform" ] || cross=true

# The C compiler for $PLATFORM: CC, else gcc on the platform itself, else the Debian cross compiler.
compiler() {
    local cc
    if [ -n "${CC:-}" ]; then
        cc=$CC
    elif [ "$cross" = true ]; then
        cc=$triplet-gcc
    else
        cc=gcc
    fi
    if ! command -v "$cc" > /dev/null 2>&1; then
        if [ "$cross" = true ]; then
            echo "cppbuild.sh: PLATFORM=$PLATFORM on $host_platform needs the cross compiler $cc, which is not on PATH;" \
                 "install it (Debian: apt-get install gcc-$triplet) or set CC" >&2
        else
            echo "cppbuild.sh: the C compiler $cc is not on PATH; install gcc or set CC" >&2
        fi
        exit 1
    fi
    echo "$cc"
}

warnings=(-std=c11 -Wall -Wextra -Werror)

build_mock() {
    local out=$1 cc=$2; shift 2
    local flags=("${warnings[@]}" -fPIC -shared -Wl,-z,now -I"$here/mock/include" -I"$here/mock/src" "$@")
    mkdir -p "$out/include/acl" "$out/lib64" "$out/opp"
    cp "$here"/mock/include/acl/*.h "$out/include/acl/"
    "$cc" "${flags[@]}" -Wl,-soname,libascendcl.so -o "$out/lib64/libascendcl.so.tmp" \
        "$here/mock/src/acl_mock.c" "$here/mock/src/mock_om.c"
    "$cc" "${flags[@]}" -Wl,-soname,libpyatc_wrapper.so -o "$out/lib64/libpyatc_wrapper.so.tmp" \
        "$here/mock/src/atc_mock.c" "$here/mock/src/mock_om.c"
    mv -f "$out/lib64/libascendcl.so.tmp" "$out/lib64/libascendcl.so"
    mv -f "$out/lib64/libpyatc_wrapper.so.tmp" "$out/lib64/libpyatc_wrapper.so"
    # What the in-process compiler's cache identity reads, like a toolkit's opp/version.info.
    printf 'Version=ivfsp-mock-cann-1\n' > "$out/opp/version.info.tmp"
    mv -f "$out/opp/version.info.tmp" "$out/opp/version.info"
}

mode=${1:-}
case "$mode" in
    mock)
        out=${2:?cppbuild.sh mock OUT: the output directory is missing}
        cc=$(compiler)
        if [ "$cross" = true ] && ! command -v "${CXX:-$triplet-g++}" > /dev/null 2>&1; then
            # JavaCPP compiles the JNI library (C++) right after this step.
            echo "cppbuild.sh: PLATFORM=$PLATFORM on $host_platform needs the C++ cross compiler ${CXX:-$triplet-g++} for" \
                 "the JNI library, which is not on PATH; install it (Debian: apt-get install g++-$triplet)" >&2
            exit 1
        fi
        build_mock "$out" "$cc" -O2
        echo "cppbuild.sh: mock CANN for $PLATFORM built with $cc in $out"
        ;;
    test)
        out=${2:?cppbuild.sh test OUT: the output directory is missing}/test
        cc=$(compiler)
        rm -rf "$out"
        mkdir -p "$out"
        if [ "$cross" = true ]; then
            # Sanitizers do not run under qemu-user: the cross build is checked for warnings and run plainly.
            runner=(qemu-"$(echo "$triplet" | cut -d- -f1)" -L /usr/"$triplet")
            command -v "${runner[0]}" > /dev/null 2>&1 || {
                echo "cppbuild.sh: running the $PLATFORM test needs ${runner[0]}, which is not on PATH;" \
                     "install it (Debian: apt-get install qemu-user)" >&2
                exit 1
            }
            san=(-O1 -g)
        else
            runner=()
            san=(-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all)
        fi
        build_mock "$out/cann" "$cc" "${san[@]}"
        "$cc" "${warnings[@]}" "${san[@]}" -I"$here/mock/include" -I"$here/mock/src" -I"$glue" \
            -o "$out/mock_test" "$here/mock/test/mock_test.c" "$here/mock/src/acl_mock.c" "$here/mock/src/mock_om.c" -ldl
        echo "cppbuild.sh: running the mock CANN test for $PLATFORM${runner:+ under ${runner[*]}}"
        # Reports go to files: the test sends its own stdout and stderr to a capture file for a while.
        status=0
        ASAN_OPTIONS=detect_leaks=1:log_path="$out/sanitizer" UBSAN_OPTIONS=print_stacktrace=1:log_path="$out/sanitizer" \
            ${runner[@]+"${runner[@]}"} "$out/mock_test" "$out/cann/lib64" "$out/scratch" || status=$?
        if compgen -G "$out/sanitizer*" > /dev/null; then
            cat "$out"/sanitizer* >&2
            status=${status/#0/1}
        fi
        [ "$status" -eq 0 ] || { echo "cppbuild.sh: the mock CANN test for $PLATFORM failed (status $status)" >&2; exit 1; }
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
        echo "usage: cppbuild.sh mock OUT | cppbuild.sh test OUT | cppbuild.sh toolkit DIR" >&2
        exit 2
        ;;
esac
