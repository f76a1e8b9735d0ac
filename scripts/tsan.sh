#!/bin/sh
# ThreadSanitizer on the parallel code: the commissioning mixes (OpenMP)
# through tests/test_mixes (1, 2 and 4 threads, shards, interrupted and
# resumed runs, and the `placematch mixes` command itself).
#
#   scripts/tsan.sh            (build dir: build-tsan, or $TSAN_BUILD)
#
# How: gcc's libgomp is not TSan-instrumented, so its barriers and locks
# are invisible to TSan and every hand-over between threads looks like a
# race.  So this builds with clang and LLVM's libomp, and loads Archer
# (libarcher.so, LLVM's OMPT tool) which tells TSan about OpenMP's
# synchronisation; ignore_noninstrumented_modules=1 silences libomp's own
# internals.  GLPK and cJSON are not instrumented either: GLPK keeps its
# state per thread, and the shared cJSON trees are only read.  (valgrind's
# helgrind was tried instead and reports 200+ false races inside libgomp on
# a 2-thread run, so it is not used.)  Needs clang, libomp-dev (libomp and
# libarcher); exits 77 (skipped) without them.
set -eu
cd "$(dirname "$0")/.."
B=${TSAN_BUILD:-build-tsan}
CC=${CC:-clang}
archer=""
for d in $("$CC" -print-search-dirs 2>/dev/null | sed -n 's/^libraries: =//p' | tr : ' ') \
         /usr/lib/llvm-*/lib /usr/lib/x86_64-linux-gnu; do
    if [ -f "$d/libarcher.so" ]; then archer="$d/libarcher.so"; break; fi
done
if ! command -v "$CC" >/dev/null 2>&1 || [ -z "$archer" ]; then
    echo "tsan.sh: skipped: needs clang and LLVM's libomp with libarcher.so" \
         "(Debian: apt-get install clang libomp-dev)" >&2
    exit 77
fi

FLAGS="-fsanitize=thread -g -O1 -fno-omit-frame-pointer"
CC="$CC" cmake -S . -B "$B" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS="$FLAGS" \
    -DCMAKE_EXE_LINKER_FLAGS=-fsanitize=thread \
    -DCMAKE_SHARED_LINKER_FLAGS=-fsanitize=thread >/dev/null
cmake --build "$B" -j "$(nproc 2>/dev/null || echo 2)" --target placematch_cli test_mixes

# halt_on_error: the first race fails the run, with both stacks.
export OMP_TOOL_LIBRARIES="$archer"
export TSAN_OPTIONS="halt_on_error=1 ignore_noninstrumented_modules=1 second_deadlock_stack=1"
cd "$B"
ctest --output-on-failure -R '^test_mixes$'
echo "tsan.sh: test_mixes is clean under ThreadSanitizer (Archer: $archer)"
