#!/usr/bin/env bash
# How nmt's cost grows with the size of its work (issue #18), as two tables:
#   decoding  beam-5 search time per sentence against input length, with the attention kept
#             (--attention-out, as the server's pictures and the lab keep it) and without:
#             N inputs of exactly L words
#             for L = 10, 25, 50, 100, 200, cut from test2016's source text read as one stream
#             of words (longer than any real test sentence, so joined across lines), decoded
#             with the settings of bench_speed.sh (64 sentences per batch, alpha 0.6, output
#             limit 1.5 * |src| + 5); model time only, as `nmt translate` logs it;
#   training  target tokens/s of pure training against train.batch_tokens, STEPS updates from a
#             fresh model of CONFIG per batch size, as `nmt train` reports it at its stop.
#
# Usage: bench/bench_scaling.sh MODEL
#   MODEL  a trained model directory to decode with (e.g. a bench_recipe.sh run's model)
#   env: NMT=build/nmt CONFIG=configs/multi30k_en_de_cpu.yaml DATA=../shared/data/multi30k
#        OUT=/tmp/nmt_scaling THREADS=2 STEPS=30 N=64 PRECISION=fp32 (decoding and training)
set -euo pipefail
cd "$(dirname "$0")/.."

MODEL=${1:?usage: bench/bench_scaling.sh MODEL}
NMT=${NMT:-build/nmt}
CONFIG=${CONFIG:-configs/multi30k_en_de_cpu.yaml}
DATA=${DATA:-../shared/data/multi30k}
OUT=${OUT:-/tmp/nmt_scaling}
THREADS=${THREADS:-2}
STEPS=${STEPS:-30}
N=${N:-64}
PRECISION=${PRECISION:-fp32}
PY=/usr/bin/python3

die() { echo "bench_scaling: $*" >&2; exit 1; }
[[ -x $NMT ]] || die "$NMT is not built (scripts/setup.sh)"
[[ -f $MODEL/best.ckpt ]] || die "MODEL=$MODEL has no best.ckpt"

rm -rf "$OUT" && mkdir -p "$OUT"
scripts/get_data.sh multi30k --from "$DATA" --to "$OUT/data" >/dev/null
zcat -f "$OUT"/data/test2016.en* >"$OUT/test.en"

# ---- decoding against input length
LENGTHS=(10 25 50 100 200)
$PY - "$OUT" "$N" "${LENGTHS[@]}" <<'EOF'
import sys
out, n, lengths = sys.argv[1], int(sys.argv[2]), [int(x) for x in sys.argv[3:]]
words = open(f"{out}/test.en").read().split()
for length in lengths:
    with open(f"{out}/len{length}.en", "w") as f:
        for i in range(n):
            start = (i * length) % (len(words) - length)
            f.write(" ".join(words[start:start + length]) + "\n")
EOF
for length in "${LENGTHS[@]}"; do
  for attention in off on; do
    echo "== beam 5, inputs of $length words, attention kept: $attention" >&2
    "$NMT" translate --model "$MODEL" --input "$OUT/len$length.en" \
      --output "$OUT/len$length.$attention.out" --beam 5 --alpha 0.6 --batch-size 64 \
      --threads "$THREADS" --max-len-a 1.5 --max-len-b 5 --precision "$PRECISION" \
      $([[ $attention == on ]] && echo --attention-out "$OUT/len$length.attention.jsonl") \
      2>"$OUT/len$length.$attention.log"
  done
done

# ---- training against batch size
BATCHES=(500 1000 1500 3000 6000)
for tokens in "${BATCHES[@]}"; do
  echo "== training, batch_tokens $tokens: $STEPS updates" >&2
  "$NMT" train "$CONFIG" --set model_dir="$OUT/train$tokens" --set data.train="$OUT/data/train" \
    --set data.dev="$OUT/data/val" --set train.max_steps="$STEPS" --set train.max_minutes=0 \
    --set train.valid_every=1000000 --set train.threads="$THREADS" \
    --set train.batch_tokens="$tokens" --set train.precision="$PRECISION" \
    2>"$OUT/train$tokens.log"
done

$PY - "$OUT" "$N" "$STEPS" "${#LENGTHS[@]}" "${LENGTHS[@]}" "${BATCHES[@]}" <<'EOF'
import json, re, sys
out, n, steps, k = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
lengths, batches = sys.argv[5:5 + k], sys.argv[5 + k:]
print(f"decoding: beam 5, {n} inputs per length, model time; with the attention kept "
      "(--attention-out) and without\n")
print("| input words | output tokens per sentence | ms per sentence | ms per input word | "
      "with attention: ms per sentence | ms per input word |")
print("| ---: | ---: | ---: | ---: | ---: | ---: |")
def search(length, attention):
    line = next(l for l in open(f"{out}/len{length}.{attention}.log") if "s of search" in l)
    m = re.search(r"(\d+) sentences, (\d+) output tokens, ([\d.]+) s of search", line)
    return int(m.group(1)), int(m.group(2)), float(m.group(3))
for length in lengths:
    sentences, tokens, seconds = search(length, "off")
    kept = search(length, "on")
    ms, ms_kept = 1000 * seconds / sentences, 1000 * kept[2] / kept[0]
    print(f"| {length} | {tokens / sentences:.1f} | {ms:.1f} | {ms / int(length):.2f} | "
          f"{ms_kept:.1f} | {ms_kept / int(length):.2f} |")
print(f"\ntraining: {steps} updates from a fresh model per batch size\n")
print("| train.batch_tokens | target tokens/s | s per update |")
print("| ---: | ---: | ---: |")
for tokens in batches:
    stop = next(e for e in map(json.loads, open(f"{out}/train{tokens}/metrics.jsonl"))
                if e["event"] == "stop")
    print(f"| {tokens} | {stop['train_tok_per_s']:.0f} | {stop['train_s'] / stop['step']:.3f} |")
EOF
echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p') (family $(lscpu | sed -n 's/^CPU family: *//p') model $(lscpu | sed -n 's/^Model: *//p')); date $(date -u +%F); commit $(git rev-parse --short HEAD); precision $PRECISION"
