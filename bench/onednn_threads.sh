#!/usr/bin/env bash
# The two-thread reproduction of the oneDNN 2.6.3 failure (bench/RESULTS.md, "bf16 searches on
# two threads"): `nmt serve` with two search workers and the shortlist (whose many output-layer
# shapes fill oneDNN's primitive cache) under load from CLIENTS connections, each request
# translating a random 1 to 32 test2016 sentences with greedy or beam-5 search. With bf16 on
# two workers this made 1-2% of requests fail with bad_alloc and "Broken promise"; a setting
# passes when no request fails and the server is still up at the end.
#
# Usage: bench/onednn_threads.sh MODEL_DIR   (needs wrk; MODEL_DIR/shortlist.tsv, `nmt shortlist`)
#   env: PRECISION=int8 DURATION=60 CLIENTS=32 NMT=build/nmt DATA=../shared/data/multi30k
#        OUT=/tmp/nmt_onednn_threads PORT=18090
set -euo pipefail
cd "$(dirname "$0")/.."

[[ $# -eq 1 ]] || { echo "usage: $0 MODEL_DIR" >&2; exit 2; }
model=$1
PRECISION=${PRECISION:-int8}
DURATION=${DURATION:-60}
CLIENTS=${CLIENTS:-32}
NMT=${NMT:-build/nmt}
DATA=${DATA:-../shared/data/multi30k}
OUT=${OUT:-/tmp/nmt_onednn_threads}
PORT=${PORT:-18090}
command -v wrk >/dev/null || { echo "onednn_threads: needs wrk (apt-get install wrk)" >&2; exit 2; }
[[ -f $model/shortlist.tsv ]] || { echo "onednn_threads: run nmt shortlist --model $model" >&2; exit 2; }

mkdir -p "$OUT"
zcat -f "$DATA"/test2016.en* >"$OUT/test.en"
/usr/bin/python3 - "$OUT/test.en" "$OUT/bodies" <<'PY'
import json, random, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
rng = random.Random(1)
with open(sys.argv[2], "w", encoding="utf-8") as out:
    for _ in range(5000):
        text = rng.sample(lines, rng.randint(1, 32))
        out.write(json.dumps({"text": text, "beam": rng.choice([1, 5])}, ensure_ascii=False) + "\n")
PY

"$NMT" serve --model "$model" --port "$PORT" --threads 2 --workers 2 --shortlist \
  --precision "$PRECISION" 2>"$OUT/serve.log" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 600); do
  grep -q "listening on" "$OUT/serve.log" && break
  sleep 0.1
done
BODIES="$OUT/bodies" wrk -t2 -c"$CLIENTS" -d"${DURATION}s" --timeout 60s \
  -s bench/serve_load.lua "http://127.0.0.1:$PORT" >"$OUT/wrk.out" 2>&1
result=$(grep '^RESULT' "$OUT/wrk.out" || true)
alive=yes
kill -0 "$server" 2>/dev/null || alive=no
echo "precision $PRECISION, 2 workers, shortlist, ${DURATION}s, $CLIENTS clients: $result; server alive: $alive"
grep -m1 "workers\|worker" "$OUT/serve.log" || true
grep -ciE "bad_alloc|broken promise|bad_array" "$OUT/serve.log" | sed 's/^/log lines with oneDNN failures: /'
