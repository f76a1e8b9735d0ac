#!/bin/sh
# The README's first command: dependencies, build, then solve the bundled
# 600-child borough and show the summary.
set -eu
cd "$(dirname "$0")/.."
./scripts/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPM_BUILD_TESTS=OFF
cmake --build build -j "$(nproc 2>/dev/null || echo 2)"
mkdir -p out
./build/placematch solve examples/stockton-2023.json -o out/result.json \
    --time-limit "${PM_TIME_LIMIT:-60}" --summary
echo "result written to out/result.json"
