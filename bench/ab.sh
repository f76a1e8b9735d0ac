#!/bin/sh
# Two builds of pmbench on the same instances in one run, alternating
# (A, B, A, B, ...), so that both see the same machine: the baseline the
# bench rules ask for when a change has no --without switch.
#
#   bench/ab.sh PMBENCH_A PMBENCH_B LIMIT RUNS SCENARIO.json...
#
# One line per solve: instance, run, build (A or B), status, objective,
# bound, gap, seconds.  Build A from an older commit with, for example:
#   git worktree add /tmp/old COMMIT && cd /tmp/old &&
#   cmake -S . -B b -DCMAKE_BUILD_TYPE=Release -DPM_BUILD_BENCH=ON \
#         -DPM_BUILD_TESTS=OFF && cmake --build b --target pmbench
set -eu
if [ $# -lt 5 ]; then
    echo "usage: bench/ab.sh PMBENCH_A PMBENCH_B LIMIT RUNS SCENARIO.json..." >&2
    exit 2
fi
a=$1 b=$2 limit=$3 runs=$4
shift 4
for f in "$@"; do
    run=1
    while [ "$run" -le "$runs" ]; do
        for v in A B; do
            if [ "$v" = A ]; then bin=$a; else bin=$b; fi
            "$bin" solve "$f" --time-limit "$limit" | tail -n 1 |
                python3 -c 'import json, sys
d = json.load(sys.stdin)
print(sys.argv[1], sys.argv[2], sys.argv[3], d["status"],
      "%.2f" % d["objective"], "%.2f" % d["bound"],
      "%.3f%%" % (100 * d["gap"]), "%.2f" % d["seconds"])' \
                    "$(basename "$f" .json)" "$run" "$v"
        done
        run=$((run + 1))
    done
done
