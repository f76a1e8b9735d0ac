#!/bin/sh
# The benchmark suite in one command: builds placematch and the bench tools
# (Release, into build-bench/), generates the scenarios, runs placematch,
# CBC and the LEMON min-cost-flow limit on each, and rewrites
# bench/RESULTS.md.  Settings by environment (bench/README.md):
#   BENCH_QUICK=1          smoke run (100 and 300 children, one seed, 10 s)
#   BENCH_TIME_LIMIT=S     per-solve limit for placematch and CBC (default 60)
#   BENCH_SIZES, BENCH_SEEDS, BENCH_SEEDS_LARGE, BENCH_REGIONAL, ...
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
for tool in cmake cbc python3; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is required" >&2; exit 2; }
done
configure="cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DPM_BUILD_BENCH=ON -DPM_BUILD_TESTS=OFF"
build="cmake --build build-bench -j2 --target pmbench mcf_lemon"
$configure >/dev/null
$build
# The command is used to generate the scenarios when it builds; the
# benchmark does not depend on it (pmbench generates through the library).
cmake --build build-bench -j2 --target placematch_cli >/dev/null 2>&1 ||
    echo "bench: placematch (the command) did not build; generating with pmbench" >&2
BENCH_BUILD_COMMANDS="$configure
$build
cmake --build build-bench -j2 --target placematch_cli" \
    exec python3 bench/report.py
