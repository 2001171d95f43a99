#!/usr/bin/env bash
# `nmt serve` measured as inference servers are (Triton's perf_analyzer, TorchServe's benchmark):
# closed-loop load from wrk at 1, 4, 16, 64 and 256 clients of one sentence per request, 16
# clients of 16 sentences, and 64 clients at each --batch-wait-ms of WAITS (the others at the
# default, 20); greedy and beam 5. For each point: sentences/s (and as a share of `nmt
# translate`'s on the same sentences, search, precision and workers), target tokens/s,
# p50/p90/p99 and mean latency, the mean queue wait, the sentences per search, errors, the
# server's peak RSS and the client's CPU (wrk shares the cores).
# Also translate one sentence at a time on one search thread, the bound of a lone client's latency.
# The sentences are test2016's English side; the table goes to standard output, every figure to
# OUT/sweep.json (with KEEP=1 also to bench/serve_runs/DATE-COMMIT.json).
#
# Usage: bench/bench_serve.sh MODEL_DIR   (needs wrk: apt-get install wrk)
#   env: NMT=build/nmt OUT=/tmp/nmt_serve DATA=../shared/data/multi30k THREADS=2 PORT=18080
#        DURATION=20 WARMUP=3 (seconds per point, and of warm-up before it) BEAMS="1 5"
#        CONCURRENCY="1 4 16 64 256" WAITS="0 2 5 10 20" REPEATS=3 (translate runs; the median
#        counts) ALONE=200 (sentences translated one by one) SERVE_ARGS= TRANSLATE_ARGS= KEEP=
set -euo pipefail
cd "$(dirname "$0")/.."

[[ $# -eq 1 ]] || { echo "usage: $0 MODEL_DIR" >&2; exit 2; }
model=$1
export NMT=${NMT:-build/nmt}
OUT=${OUT:-/tmp/nmt_serve}
DATA=${DATA:-../shared/data/multi30k}
command -v wrk >/dev/null || { echo "bench_serve: needs wrk (apt-get install wrk)" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "bench_serve: needs GNU time (apt-get install time)" >&2; exit 2; }

mkdir -p "$OUT"
zcat -f "$DATA"/test2016.en* >"$OUT/test.en"
/usr/bin/python3 bench/serve_sweep.py "$model" "$OUT"
echo
echo "server: --threads ${THREADS:-2} ${SERVE_ARGS:-}; translate: --threads ${THREADS:-2} ${TRANSLATE_ARGS:-}"
echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), cpu family $(grep -m1 '^cpu family' /proc/cpuinfo | sed 's/.*: //') model $(grep -m1 '^model[[:space:]]*:' /proc/cpuinfo | sed 's/.*: //'); date $(date -u '+%F %H:%M') UTC; commit $(git rev-parse --short HEAD); ${DURATION:-20} s per point"
if [[ -n ${KEEP:-} ]]; then
  mkdir -p bench/serve_runs
  cp "$OUT/sweep.json" "bench/serve_runs/$(date -u +%F)-$(git rev-parse --short HEAD).json"
fi
