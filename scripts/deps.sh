#!/bin/sh
# Installs the Debian 12 packages placematch needs to build, test and
# benchmark (run as root).  Skips apt when everything is already there.
# clang, libomp-dev and valgrind are for the test suite only (the fuzzers,
# ThreadSanitizer with LLVM's OpenMP, memcheck): the library does not use
# them.
set -eu
PKGS="build-essential cmake pkg-config libglpk-dev libcjson-dev libcmocka-dev \
coinor-cbc liblemon-dev libcsv-dev python3 python3-jsonschema \
clang libomp-dev valgrind"
missing=""
for p in $PKGS; do
    dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends $missing
fi
