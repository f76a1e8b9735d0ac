#!/bin/sh
# OpenMP scaling of `placematch mixes` at several thread counts, for a
# machine with more cores than this one (it was written to run on a lent
# 16-core machine).  Needs only the placematch binary (and its libraries on
# LD_LIBRARY_PATH) and python3.  The "Thread scaling" section of
# bench/RESULTS.md was written by hand from OUT (times.txt, the JSON files).
#
#     bench/scaling.sh PLACEMATCH OUT [THREADS...]     (default 1 2 4 8 16)
#
# Three parts, each run at every thread count, one after the other:
#  fixed  a generated 150-child borough, 3 levers, a 576-mix grid (shard
#         FIXED_SHARD), each solve stopped by --node-limit alone: the same
#         work and byte-identical answers at any thread count, so the
#         speed-up is the loop's alone.
#  timed  the bundled borough's examples/commissioning.json, base cohort
#         (shard TIMED_SHARD), at the recommended --time-limit 2 --gap 0.005:
#         evaluations per second and whether the answers get worse when
#         every core is busy.
#  full   the whole base cohort (1,152 mixes) once, at FULL_THREADS.
# Wall times go to OUT/times.txt as "part threads seconds".
set -u
pm=$1; out=$2; shift 2
threads=${*:-1 2 4 8 16}
FIXED_SHARD=${FIXED_SHARD:-1/4}
TIMED_SHARD=${TIMED_SHARD:-1/24}
FULL_THREADS=${FULL_THREADS:-16}
FULL_SECONDS=${FULL_SECONDS:-200}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
: > "$out/times.txt"

run() { # part threads args...
    part=$1; t=$2; shift 2
    s=$(date +%s.%N)
    "$pm" mixes "$@" --threads "$t" --quiet -o "$out/$part-$t.json"
    rc=$?
    e=$(date +%s.%N)
    echo "$part $t $(awk "BEGIN{print $e - $s}") rc=$rc" >> "$out/times.txt"
}

"$pm" generate --profile stockton-2023 --seed 7 --children 150 \
    -o "$out/scaling-150.json" || exit 1
python3 - "$here/../examples/commissioning.json" "$out/scaling-comm.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["name"] = "150-child generated borough (seed 7): thread scaling"
c["base"] = "scaling-150.json"
c["levers"] = [l for l in c["levers"] if "add" in l]
c["mixes"] = []
c["grid"] = {"foster": {"from": 0, "to": 30, "step": 2}, "home3": [0, 1, 2, 3],
             "block": {"from": 0, "to": 8}}
c["cohorts"] = ["base"]
json.dump(c, open(sys.argv[2], "w"), indent=1)
PY
for t in $threads; do
    run fixed "$t" "$out/scaling-comm.json" --shard "$FIXED_SHARD" \
        --time-limit 0 --node-limit 50
done
for t in $threads; do
    run timed "$t" "$here/../examples/commissioning.json" --cohort base \
        --shard "$TIMED_SHARD" --time-limit 2 --gap 0.005
done
# Interrupted at FULL_SECONDS, the output still holds what was done.
s=$(date +%s.%N)
timeout -s INT "$FULL_SECONDS" "$pm" mixes "$here/../examples/commissioning.json" \
    --cohort base --time-limit 2 --gap 0.005 --threads "$FULL_THREADS" --quiet \
    -o "$out/full-$FULL_THREADS.json"
rc=$?
e=$(date +%s.%N)
echo "full $FULL_THREADS $(awk "BEGIN{print $e - $s}") rc=$rc" >> "$out/times.txt"
