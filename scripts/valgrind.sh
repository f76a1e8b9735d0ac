#!/bin/sh
# valgrind memcheck on the command end to end: every subcommand on small
# inputs, the success paths and the refusals (bad input, bad usage), each
# run checked for its exit status and for memory errors and leaks.
#
#   scripts/valgrind.sh        (build dir: build-valgrind, or $VALGRIND_BUILD)
#
# A plain build (no sanitizers: they do not mix with valgrind), then each
# command under memcheck: invalid reads/writes, uses of uninitialised
# values, bad frees and definite or indirect leaks fail it.  "Possibly
# lost" blocks are not counted: libgomp keeps its thread pool until exit.
set -eu
cd "$(dirname "$0")/.."
B=${VALGRIND_BUILD:-build-valgrind}
if ! command -v valgrind >/dev/null 2>&1; then
    echo "valgrind.sh: skipped: valgrind is not installed" >&2
    exit 77
fi
cmake -S . -B "$B" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPM_BUILD_TESTS=OFF >/dev/null
cmake --build "$B" -j "$(nproc 2>/dev/null || echo 2)" --target placematch_cli
PM=$(cd "$B" && pwd)/placematch
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
failed=0
runs=0

# check WANT_STATUS NAME ARGS...: runs placematch ARGS under memcheck.
check() {
    want=$1
    name=$2
    shift 2
    runs=$((runs + 1))
    set +e
    valgrind -q --error-exitcode=99 --leak-check=full \
        --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect \
        --log-file="$T/$name.vg" "$PM" "$@" >"$T/$name.out" 2>"$T/$name.err"
    rc=$?
    set -e
    if [ "$rc" -eq 99 ] || [ -s "$T/$name.vg" ]; then
        echo "valgrind.sh: $name: memcheck errors:" >&2
        cat "$T/$name.vg" >&2
        failed=$((failed + 1))
    elif [ "$rc" -ne "$want" ]; then
        echo "valgrind.sh: $name: exit status $rc, expected $want" >&2
        tail -n 5 "$T/$name.err" >&2
        failed=$((failed + 1))
    else
        echo "valgrind.sh: $name: clean (exit $rc)"
    fi
}

cp tests/fuzz/mixes/commissioning.json "$T/c.json"
cp tests/fuzz/base/base.json "$T/base.json"
printf '%s\n' 'id,age,sex,home_lat,home_lon,needs,sibling_group,current,stay' \
    'C1,9,F,54.56,-1.33,trauma:2,G1,F1,false' 'C2,6,M,54.56,-1.33,,G1,,' \
    'C3,15,M,54.7,-1.1,behaviour:3;send:1,,,' >"$T/children.csv"
printf '%s\n' 'id,type,lat,lon,capacity,sibling_only,supports,weekly_cost' \
    'F1,in_house_foster,54.57,-1.32,2,1,trauma:2,298' \
    'R1,in_house_residential,54.55,-1.3,3,,trauma:3;send:3;behaviour:3,1806' >"$T/places.csv"
echo '{"unmatched_week": 4000, "sibling_split_week": 300}' >"$T/policy.json"
printf '%s\n' 'id,age,sex,home_lat,home_lon' 'C1,forty,F,54,-1' 'C1,9,F,95,-1' >"$T/bad.csv"

check 0 version version
check 0 generate generate --profile stockton-2023 --seed 3 --children 40 -o "$T/gen.json"
check 0 generate-variant generate --profile national --seed 2 --children 25 --variant siblings -o "$T/gen2.json"
check 0 solve solve "$T/gen.json" -o "$T/result.json" --time-limit 20 --summary
check 0 solve-node-limit solve "$T/gen2.json" -o "$T/result2.json" --node-limit 2
check 0 solve-base solve "$T/base.json" -o "$T/result3.json"
check 0 solve-infeasible solve tests/cases/pinned_over_capacity/scenario.json -o "$T/inf.json"
check 0 solve-reasons solve tests/cases/unmatched_reasons/scenario.json -o - --summary
check 2 solve-invalid solve tests/cases/error_ranges/scenario.json -o "$T/never.json"
check 2 solve-malformed solve tests/cases/error_malformed/scenario.json -o "$T/never.json"
check 1 solve-missing solve "$T/no-such-file.json" -o "$T/never.json"
check 0 suggest-child suggest "$T/base.json" --child C001 --k 5 --explain F002 -o "$T/s1.json"
check 0 suggest-group suggest "$T/base.json" --group G1 --k 3 -o "$T/s2.json"
check 2 suggest-unknown suggest "$T/base.json" --child NOPE -o "$T/never.json"
check 0 mixes mixes "$T/c.json" -o "$T/m.json" --threads 1 --svg "$T/m.svg" --quiet
check 0 mixes-threads mixes "$T/c.json" -o "$T/m2.csv" --threads 2 --quiet
check 0 mixes-shard mixes "$T/c.json" -o "$T/m3.json" --shard 1/2 --quiet
check 0 mixes-merge mixes "$T/c.json" -o "$T/m4.json" --merge "$T/m3.json" --quiet
check 0 mixes-scenario mixes "$T/c.json" --scenario 3:small -o "$T/derived.json"
check 2 mixes-bad-merge mixes "$T/c.json" -o "$T/never.json" --merge "$T/result.json" --quiet
check 0 import import --children "$T/children.csv" --placements "$T/places.csv" \
    --policy "$T/policy.json" -o "$T/imported.json"
check 2 import-bad import --children "$T/bad.csv" --placements "$T/places.csv" -o "$T/never.json"
check 2 usage-unknown-command frobnicate
check 2 usage-solve solve

if [ -e "$T/never.json" ]; then
    echo "valgrind.sh: a refused run wrote its output file" >&2
    failed=$((failed + 1))
fi
echo "valgrind.sh: $runs runs, $failed failed"
[ "$failed" -eq 0 ]
