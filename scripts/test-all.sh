#!/bin/sh
# The whole test suite, as CI runs it (README's second command):
#  1. dependencies;
#  2. a normal build and every test (the allocation-failure injector's full
#     sweep included), then install and build the examples against it;
#  3. the same tests under AddressSanitizer + UndefinedBehaviorSanitizer
#     (the injector sampling every 4th failure point there: a full sweep
#     under ASan takes 10+ minutes and finds what the plain one finds);
#  4. ThreadSanitizer on the parallel tests, valgrind memcheck on the
#     command end to end, and each libFuzzer harness for FUZZ_SECONDS
#     (default 60).
# About 15 minutes on 2 cores.
set -eu
cd "$(dirname "$0")/.."
./scripts/deps.sh
jobs=$(nproc 2>/dev/null || echo 2)

cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j "$jobs"
(cd build && ctest --output-on-failure -j "$jobs")
# install, then build and run the examples against the installed package
./scripts/install-check.sh build

cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DPM_SANITIZE=ON
cmake --build build-asan -j "$jobs"
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    PM_ALLOCFAIL_STRIDE=${PM_ALLOCFAIL_STRIDE:-4} \
    ctest --output-on-failure -j "$jobs")

./scripts/tsan.sh
./scripts/valgrind.sh
./scripts/fuzz.sh "${FUZZ_SECONDS:-60}"
echo "test-all.sh: every check passed"
