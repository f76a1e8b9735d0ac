#!/bin/sh
# Builds the libFuzzer harnesses in tests/fuzz/ with clang (ASan + UBSan,
# the library's sources compiled in directly) and runs each one for a
# bounded time on its seed corpus.
#
#   scripts/fuzz.sh [SECONDS] [HARNESS...]
#
# SECONDS per harness (default 60; 0 = build only).  HARNESS names
# (scenario, solve, suggest, commissioning, mixes_merge, import; default
# all).
# Environment: FUZZ_BUILD (default build-fuzz), FUZZ_JOBS (harnesses run at
# once, default 1), CC (default clang), FUZZ_FLAGS (extra libFuzzer flags).
#
# New inputs the fuzzer finds go to $FUZZ_BUILD/corpus/<harness>/ (kept
# between runs, never into the committed seeds); a crash, sanitizer report,
# leak, timeout or failed check is saved as
# $FUZZ_BUILD/artifacts/<harness>/crash-* (or leak-*, timeout-*, oom-*) and
# makes the script exit 1.  Reproduce one with
#   $FUZZ_BUILD/fuzz_<harness> $FUZZ_BUILD/artifacts/<harness>/crash-...
set -eu
cd "$(dirname "$0")/.."
secs=${1:-60}
[ $# -gt 0 ] && shift
harnesses=${*:-scenario solve suggest commissioning mixes_merge import}
B=${FUZZ_BUILD:-build-fuzz}
CC=${CC:-clang}
jobs=${FUZZ_JOBS:-1}

if ! echo 'int LLVMFuzzerTestOneInput(const char *d, long n){(void)d;(void)n;return 0;}' |
    "$CC" -x c -fsanitize=fuzzer -o /dev/null - 2>/dev/null; then
    echo "fuzz.sh: $CC cannot build libFuzzer targets (install clang)" >&2
    exit 2
fi

SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
CFLAGS="-std=c11 -g -O1 -fno-omit-frame-pointer $SAN -fopenmp \
-Wall -Wextra -D_POSIX_C_SOURCE=200809L -Iinclude -Isolver -Itests/fuzz"
LIBS="-lglpk $(pkg-config --libs libcjson) -lm"
# the CSV import uses libcsv
if grep -q '<csv.h>' solver/*.c; then LIBS="$LIBS -lcsv"; fi
mkdir -p "$B/obj"

# The library: every solver/*.c, instrumented for coverage, rebuilt when
# its source or a header is newer than its object.
objs=""
newest_h=$(ls -t solver/*.h include/placematch/*.h | head -n 1)
for src in solver/*.c; do
    obj="$B/obj/$(basename "$src" .c).o"
    if [ ! -f "$obj" ] || [ "$src" -nt "$obj" ] || [ "$newest_h" -nt "$obj" ]; then
        # shellcheck disable=SC2086
        "$CC" $CFLAGS -fsanitize=fuzzer-no-link $(pkg-config --cflags libcjson) \
            -c "$src" -o "$obj"
    fi
    objs="$objs $obj"
done

for h in $harnesses; do
    # shellcheck disable=SC2086
    "$CC" $CFLAGS -fsanitize=fuzzer -DPM_FUZZ_DIR="\"$PWD/tests/fuzz\"" \
        "tests/fuzz/fuzz_$h.c" $objs $LIBS -o "$B/fuzz_$h"
done
echo "fuzz.sh: built $harnesses in $B"
[ "$secs" -gt 0 ] || exit 0

# One harness: its own working corpus and artifacts; a one-line summary.
run_one() {
    h=$1
    mkdir -p "$B/corpus/$h" "$B/artifacts/$h"
    log="$B/fuzz_$h.log"
    # shellcheck disable=SC2086
    if "$B/fuzz_$h" -max_total_time="$secs" -timeout=20 -rss_limit_mb=4096 \
        -max_len=65536 -print_final_stats=1 \
        -dict=tests/fuzz/placematch.dict \
        -artifact_prefix="$B/artifacts/$h/" ${FUZZ_FLAGS:-} \
        "$B/corpus/$h" "tests/fuzz/corpus/$h" >"$log" 2>&1; then
        execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
        cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)
        echo "fuzz_$h: ok, $execs executions in ${secs}s, $cov"
    else
        echo "fuzz_$h: FAILED (log: $log)" >&2
        grep -E 'ERROR|FUZZ CHECK|SUMMARY|Test unit written' "$log" >&2 || true
        return 1
    fi
}

# $jobs harnesses at a time (a batch waits for its slowest member).
status=0
set -- $harnesses
while [ $# -gt 0 ]; do
    pids=""
    n=0
    while [ $# -gt 0 ] && [ "$n" -lt "$jobs" ]; do
        run_one "$1" &
        pids="$pids $!"
        n=$((n + 1))
        shift
    done
    for p in $pids; do
        wait "$p" || status=1
    done
done
exit $status
