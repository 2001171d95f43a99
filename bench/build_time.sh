#!/usr/bin/env bash
# Cold and incremental build times on this machine, without ccache (an empty build folder and
# no cache, as on a bare machine):
#   1. the main job's build: `nmt` and its SentencePiece plugin (what scripts/quickstart.sh builds)
#   2. the whole build (nmt and the test binary), from another empty folder
#   3. the whole build again after touching one attention file
# Usage: bench/build_time.sh [EXTRA CMAKE ARGS...]   (e.g. -DNMT_UNITY_BUILD=OFF)
# Each build is started in a folder under ${OUT:-/tmp/nmt_build_time}, which is emptied first.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${OUT:-/tmp/nmt_build_time}
rm -rf "$out" && mkdir -p "$out"
export CCACHE_DISABLE=1

# Runs a build, its output to the log; sets `took` to its seconds, or stops the script if it fails.
seconds() {
  local start=$SECONDS
  "$@" >>"$out/log" 2>&1 || { echo "build_time.sh: '$*' failed (see $out/log)" >&2; exit 1; }
  took=$((SECONDS - start))
}
configure() { cmake -S . -B "$1" -G Ninja -DCMAKE_BUILD_TYPE=Release "${@:2}"; }
minutes() { awk -v s="$1" 'BEGIN { printf "%d min %02d s", s / 60, s % 60 }'; }

configure "$out/main" "$@" >>"$out/log" 2>&1
seconds cmake --build "$out/main" --target nmt nmt_sentencepiece
main=$took
configure "$out/whole" "$@" >>"$out/log" 2>&1
seconds cmake --build "$out/whole"
whole=$took
touch src/attention/dot_attention.cpp
seconds cmake --build "$out/whole"
incremental=$took

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
echo "build times ($(nproc) cores, $cpu; commit $(git rev-parse --short HEAD); cmake args: ${*:-none})"
echo "  cold, the main job (nmt + plugin):       $(minutes "$main")"
echo "  cold, the whole build (nmt + tests):     $(minutes "$whole")"
echo "  after touching one attention file:       $(minutes "$incremental")"
