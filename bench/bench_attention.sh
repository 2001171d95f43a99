#!/usr/bin/env bash
# Every attention type, and the Transformer encoder, on equal terms through `nmt compare`: the
# CPU recipe (configs/multi30k_en_de_cpu.yaml) on Multi30K, every variant with the same subword
# models, seeds, batch order and budget of pure training (in updates, so that rows are equal
# whatever the machine's speed), 2 threads, test2016 decoded with beam 5. The report
# (OUT/report.md, report.html) has BLEU and chrF mean ± sd over the seeds, dev perplexity,
# speeds, parameters, attention entropy and learning curves; bench/over_under.py's over- and
# under-translation counts of the first seed follow it here.
# Interrupted, the same command resumes: finished runs are kept.
#
# The whole table is 39 runs, longer than one machine may live. KEEP=DIR keeps what a finished
# run measured (OUT's compare.json and runs/NAME/seed-K/result.json, a few KB, numbers only) in
# DIR, e.g. a folder in the repository: they are copied into OUT before `nmt compare` starts
# (which then does not train those runs again, and refuses them if OUT's settings differ) and
# back into DIR when it stops. Use the same OUT with the same DIR. The subword models are
# trained again on each machine; a run whose recorded models differ from the others' fails the
# check after the comparison.
#
# Usage: bench/bench_attention.sh [NAME ...]   (default: every row below)
#   env: NMT=build/nmt OUT=/tmp/nmt_attention DATA=../shared/data/multi30k SEEDS=3
#        BUDGET=updates=1100 KEEP=
set -euo pipefail
cd "$(dirname "$0")/.."

NMT=${NMT:-build/nmt}
OUT=${OUT:-/tmp/nmt_attention}
DATA=${DATA:-../shared/data/multi30k}
SEEDS=${SEEDS:-3}
BUDGET=${BUDGET:-updates=1100}
KEEP=${KEEP:-}
CONFIG=configs/multi30k_en_de_cpu.yaml

# name -> the overrides on top of the recipe (whose attention is mlp, encoder a biGRU).
declare -A VARIANTS=(
  [mlp]=""
  [dot]="model.attention.type=dot"
  [scaled_dot]="model.attention.type=scaled_dot"
  [cosine]="model.attention.type=cosine"
  [bilinear]="model.attention.type=bilinear"
  [multi_head]="model.attention.type=multi_head,model.attention.heads=4"
  [local_m]="model.attention.type=local_m"
  [local_p]="model.attention.type=local_p"
  [hard]="model.attention.type=hard"
  [transformer_encoder]="model.encoder.type=transformer,model.encoder.layers=2,model.encoder.hidden=256"
  [no_input_feeding]="model.decoder.input_feeding=false"
  [coverage]="model.attention.type=coverage"
  [coverage_loss]="model.attention.type=coverage,train.coverage_loss=0.1"
  [location]="model.attention.type=location"
  [sparsemax]="model.attention.normalizer=sparsemax"
  [entmax15]="model.attention.normalizer=entmax15"
)
ORDER=(mlp dot scaled_dot cosine bilinear multi_head local_m local_p hard transformer_encoder
       no_input_feeding coverage coverage_loss location sparsemax entmax15)
names=("$@")
[[ ${#names[@]} -gt 0 ]] || names=("${ORDER[@]}")

variants=()
for name in "${names[@]}"; do
  [[ -v VARIANTS[$name] ]] || { echo "bench_attention: unknown row '$name'" >&2; exit 2; }
  variants+=(--variant "$name${VARIANTS[$name]:+:${VARIANTS[$name]}}")
done

# Copies compare.json and every runs/*/seed-*/result.json from folder $1 into folder $2 where
# $2 lacks them.
copy_results() {
  [[ -d $1 ]] || return 0
  (cd "$1" && find . -path './runs/*/seed-*/result.json' -o -path ./compare.json) |
    while read -r file; do
      [[ -e $2/$file ]] || install -D -m 644 "$1/$file" "$2/$file"
    done
}

mkdir -p "$OUT"
[[ -d $OUT/data ]] || scripts/get_data.sh multi30k --from "$DATA" --to "$OUT/data" >/dev/null
if [[ -n $KEEP ]]; then
  copy_results "$KEEP" "$OUT"
  trap 'copy_results "$OUT" "$KEEP"' EXIT
fi
"$NMT" compare "$CONFIG" "${variants[@]}" --seeds "$SEEDS" --budget "$BUDGET" --out "$OUT" \
  --set data.train="$OUT/data/train" --set data.dev="$OUT/data/val" \
  --set data.test="$OUT/data/test2016" --set train.threads=2 2>>"$OUT/compare.log"
# Kept runs count only if they used the same subword models as those trained here: every run
# records its models' fingerprint.
python3 - "$OUT" <<'PY'
import glob, json, sys
vocabs = {}
for f in sorted(glob.glob(sys.argv[1] + "/runs/*/seed-*/result.json")):
    vocabs.setdefault(json.load(open(f))["vocab"], []).append(f)
if len(vocabs) > 1:
    sys.exit("bench_attention: runs with different subword models: " + "; ".join(
        f"{v}: {', '.join(fs)}" for v, fs in vocabs.items()))
PY
cat "$OUT/report.md"

echo
zcat -f "$OUT"/data/test2016.de* >"$OUT/test.de"
hyps=()  # runs kept in KEEP and finished on another machine have no translations here
for name in "${names[@]}"; do
  if [[ -e $OUT/runs/$name/seed-1/test.hyp ]]; then hyps+=("runs/$name/seed-1/test.hyp"); fi
done
if ((${#hyps[@]} > 0)); then (cd "$OUT" && "$OLDPWD/bench/over_under.py" test.de "${hyps[@]}"); fi
echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'); date $(date -u +%F); commit $(git rev-parse --short HEAD)"
