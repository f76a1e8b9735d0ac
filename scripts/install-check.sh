#!/bin/sh
# Installs placematch into a temporary prefix and uses it the way an
# adopter would, with nothing from the source tree but the examples:
#   - the installed command (version, import, solve) and man page;
#   - examples/panel_tool and examples/commissioning_batch built with
#     find_package(placematch) (shared, and panel_tool static too);
#   - panel_tool built with pkg-config and a plain cc;
#   - both examples run on examples/stockton-2023.json.
# Usage: scripts/install-check.sh [BUILD_DIR]   (default: build; configured
# and built here when it is not there yet).
set -eu
cd "$(dirname "$0")/.."
src=$(pwd)
build=${1:-build}
jobs=$(nproc 2>/dev/null || echo 2)
work=$(mktemp -d "${TMPDIR:-/tmp}/placematch-install.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
prefix="$work/prefix"
step() { printf '\n== %s\n' "$*"; }

step "build and install into $prefix"
[ -f "$build/CMakeCache.txt" ] || cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build "$build" -j "$jobs"
cmake --install "$build" --prefix "$prefix"
for f in include/placematch/placematch.h include/placematch/commissioning.h \
         include/placematch/import.h bin/placematch share/man/man1/placematch.1 \
         share/placematch/schema/placematch-scenario-1.schema.json; do
    [ -e "$prefix/$f" ] || { echo "not installed: $f" >&2; exit 1; }
done
pc=$(find "$prefix" -name placematch.pc)
libdir=$(cd "$(dirname "$pc")/.." && pwd -P)
soname=$(objdump -p "$libdir/libplacematch.so" | awk '/SONAME/ {print $2}')
[ "$soname" = "libplacematch.so.0.1" ] || { echo "SONAME is '$soname'" >&2; exit 1; }
[ -f "$libdir/libplacematch.a" ]

step "the installed command"
pm="$prefix/bin/placematch"
"$pm" version
if command -v groff >/dev/null 2>&1; then
    warnings=$(groff -man -ww -z "$prefix/share/man/man1/placematch.1" 2>&1)
    [ -z "$warnings" ] || { echo "man page: $warnings" >&2; exit 1; }
fi
"$pm" import --children examples/import/children.csv \
    --placements examples/import/placements.csv \
    --policy examples/import/policy.json -o "$work/imported.json"
"$pm" solve "$work/imported.json" --quiet -o "$work/imported-result.json"
grep -q '"objective": 12520,' "$work/imported-result.json" ||
    { echo "the worked example's optimum is not 12520" >&2; exit 1; }

step "examples with find_package(placematch)"
for ex in panel_tool commissioning_batch; do
    cmake -S "examples/$ex" -B "$work/$ex" -DCMAKE_PREFIX_PATH="$prefix" \
          -DCMAKE_C_FLAGS="-Wall -Wextra -Werror"
    cmake --build "$work/$ex" -j "$jobs"
done
cmake -S examples/panel_tool -B "$work/panel_static" -DCMAKE_PREFIX_PATH="$prefix" \
      -DPANEL_TOOL_STATIC=ON -DCMAKE_C_FLAGS="-Wall -Wextra -Werror"
cmake --build "$work/panel_static" -j "$jobs"
# the shared build really uses the installed library
ldd "$work/panel_tool/panel_tool" | grep -q "$libdir/libplacematch.so.0.1" ||
    { echo "panel_tool does not load the installed libplacematch" >&2; exit 1; }
if ldd "$work/panel_static/panel_tool" | grep -q libplacematch; then
    echo "the static panel_tool still loads libplacematch.so" >&2; exit 1
fi

step "panel_tool with pkg-config"
PKG_CONFIG_PATH="$(dirname "$pc")${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
export PKG_CONFIG_PATH
# shellcheck disable=SC2046
cc -std=c11 -Wall -Wextra -Werror -o "$work/panel_pc" \
   examples/panel_tool/panel_tool.c $(pkg-config --cflags --libs placematch) \
   -Wl,-rpath,"$libdir"

step "run them on examples/stockton-2023.json"
st="$src/examples/stockton-2023.json"
for tool in "$work/panel_tool/panel_tool" "$work/panel_static/panel_tool" \
            "$work/panel_pc"; do
    "$tool" "$st" C0001 3 > "$work/panel.txt"
    grep -q '^1\. ' "$work/panel.txt" || { cat "$work/panel.txt"; exit 1; }
done
cat "$work/panel.txt"
"$work/commissioning_batch/commissioning_batch" "$st" --time-limit 2 |
    tee "$work/batch.txt"
grep -q '^ 1\. ' "$work/batch.txt"
grep -q '(today)' "$work/batch.txt"

printf '\ninstall-check: OK\n'
