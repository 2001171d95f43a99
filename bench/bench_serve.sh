#!/usr/bin/env bash
# Load on `nmt serve` against `nmt translate` on the same sentences and search: test2016's
# English sentences, one per request, from CLIENTS concurrent connections (wrk, for DURATION seconds
# each), greedy and beam 5; then `nmt translate` on the whole file with the same search.
# Prints a Markdown table for bench/RESULTS.md: requests (= sentences)/s, p50/p99 latency and
# errors of the server, sentences/s of translate (model time, and whole command), and their
# ratio. Server and clients share the machine; translate runs alone, REPEATS times (median).
#
# Usage: bench/bench_serve.sh MODEL_DIR   (needs wrk: apt-get install wrk)
#   env: NMT=build/nmt OUT=/tmp/nmt_serve DATA=../shared/data/multi30k CLIENTS=32 DURATION=60
#        THREADS=2 PORT=18080 BEAMS="1 5" BATCH_WAIT_MS=5 (the server's --batch-wait-ms)
#        REPEATS=3 (translate runs per search; the median counts) SERVE_ARGS= (more server options)
#        TRANSLATE_ARGS= (more `nmt translate` options, e.g. --workers 2 beside SERVE_ARGS="--workers 2")
set -euo pipefail
cd "$(dirname "$0")/.."

[[ $# -eq 1 ]] || { echo "usage: $0 MODEL_DIR" >&2; exit 2; }
model=$1
NMT=${NMT:-build/nmt}
OUT=${OUT:-/tmp/nmt_serve}
DATA=${DATA:-../shared/data/multi30k}
CLIENTS=${CLIENTS:-32}
DURATION=${DURATION:-60}
THREADS=${THREADS:-2}
PORT=${PORT:-18080}
BEAMS=${BEAMS:-1 5}
BATCH_WAIT_MS=${BATCH_WAIT_MS:-5}
REPEATS=${REPEATS:-3}
command -v wrk >/dev/null || { echo "bench_serve: needs wrk (apt-get install wrk)" >&2; exit 2; }

mkdir -p "$OUT"
zcat -f "$DATA"/test2016.en* >"$OUT/test.en"
/usr/bin/python3 - "$OUT/test.en" "$OUT" <<'PY'
import json, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
for beam in (1, 5):
    with open(f"{sys.argv[2]}/bodies.beam{beam}", "w", encoding="utf-8") as out:
        for line in lines:
            out.write(json.dumps({"text": [line], "beam": beam}, ensure_ascii=False) + "\n")
PY

"$NMT" serve --model "$model" --port "$PORT" --threads "$THREADS" \
  --batch-wait-ms "$BATCH_WAIT_MS" ${SERVE_ARGS:-} 2>"$OUT/serve.log" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 600); do
  grep -q "listening on" "$OUT/serve.log" && break
  sleep 0.1
done

echo "| search | server requests/s | p50 ms | p99 ms | errors | translate sentences/s (model time) | translate sentences/s (whole command) | server / translate (model time) | sentences per search |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
searches() { grep -c 's of search' "$OUT/serve.log" || true; }
for beam in $BEAMS; do
  searches_before=$(searches)
  BODIES="$OUT/bodies.beam$beam" wrk -t2 -c"$CLIENTS" -d"${DURATION}s" --timeout 30s \
    -s bench/serve_load.lua "http://127.0.0.1:$PORT" >"$OUT/wrk.beam$beam" 2>&1
  result=$(grep '^RESULT' "$OUT/wrk.beam$beam")
  value() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" <<<"$result"; }
  per_search=$(awk -v r="$(value requests)" -v n="$(($(searches) - searches_before))" \
    'BEGIN { printf "%.1f", r / n }')
  served=$(awk -v r="$(value requests)" -v s="$(value seconds)" 'BEGIN { printf "%.1f", r / s }')
  # translate alone, the server idle meanwhile: the median of REPEATS runs (the machine is shared)
  model_times=() wholes=()
  for _ in $(seq "$REPEATS"); do
    start=$(date +%s.%N)
    "$NMT" translate --model "$model" --input "$OUT/test.en" --output "$OUT/test.beam$beam.hyp" \
      --beam "$beam" --threads "$THREADS" ${TRANSLATE_ARGS:-} 2>"$OUT/translate.beam$beam.log"
    end=$(date +%s.%N)
    model_times+=("$(sed -n 's/.*s of search (\([0-9.]*\) sentences\/s).*/\1/p' "$OUT/translate.beam$beam.log")")
    wholes+=("$(awk -v n="$(wc -l <"$OUT/test.en")" -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", n / (b - a) }')")
  done
  median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
  model_time=$(median "${model_times[@]}")
  whole=$(median "${wholes[@]}")
  ratio=$(awk -v a="$served" -v b="$model_time" 'BEGIN { printf "%.2f", a / b }')
  echo "| $([[ $beam == 1 ]] && echo greedy || echo "beam $beam") | $served | $(value p50_ms) | $(value p99_ms) | $(value errors) | $model_time | $whole | $ratio | $per_search |"
done
echo
echo "server: --batch-wait-ms $BATCH_WAIT_MS ${SERVE_ARGS:-}; translate: ${TRANSLATE_ARGS:-(defaults)}"
echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'); date $(date -u +%F); commit $(git rev-parse --short HEAD); $CLIENTS clients, ${DURATION} s each"
