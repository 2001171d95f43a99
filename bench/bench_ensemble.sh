#!/usr/bin/env bash
# Checkpoint averaging and ensembles on Multi30K. Trains the CPU recipe
# (configs/multi30k_en_de_cpu.yaml: MINUTES of wall-clock time, or STEPS updates if set, THREADS
# threads) once per seed with one shared subword model, keeping the last KEEP step checkpoints; then translates test2016 with
# beam 5: the first seed's model alone (best.ckpt), the average of its last K step checkpoints
# (K from 2 to KEEP, chosen by dev BLEU with beam 5), and ensembles of the first 2 and of all
# the models (each one's best.ckpt). Prints the dev table for K and a Markdown table of BLEU,
# chrF and decoding speed for bench/RESULTS.md.
# Interrupted, the same command resumes: a finished model is kept, one cut short continues.
#
# Usage: bench/bench_ensemble.sh
#   env: NMT=build/nmt OUT=/tmp/nmt_ensemble DATA=../shared/data/multi30k SEEDS="42 1 2 3"
#        MINUTES=60 STEPS= KEEP=10 THREADS=2
# STEPS=10261 trains each model as far as the 60-minute two-worker recipe run got
# (bench/RESULTS.md), whatever else shares the machine: per update it is the same computation.
set -euo pipefail
cd "$(dirname "$0")/.."

NMT=${NMT:-build/nmt}
OUT=${OUT:-/tmp/nmt_ensemble}
DATA=${DATA:-../shared/data/multi30k}
read -r -a seeds <<<"${SEEDS:-42 1 2 3}"
MINUTES=${MINUTES:-60}
KEEP=${KEEP:-10}
STEPS=${STEPS:-}
THREADS=${THREADS:-2}
CONFIG=configs/multi30k_en_de_cpu.yaml

mkdir -p "$OUT"
if [[ ! -d $OUT/data ]]; then
  scripts/get_data.sh multi30k --from "$DATA" --to "$OUT/data.tmp" >/dev/null
  mv "$OUT/data.tmp" "$OUT/data"
fi
for split in val test2016; do
  for lang in en de; do zcat -f "$OUT/data/$split.$lang"* >"$OUT/$split.$lang"; done
done
common=(--set data.train="$OUT/data/train" --set data.dev="$OUT/data/val"
        --set data.test="$OUT/data/test2016" --set train.threads="$THREADS"
        --set train.keep_last="$KEEP")
if [[ -n $STEPS ]]; then
  common+=(--set train.max_steps="$STEPS" --set train.max_minutes=0)
else
  common+=(--set train.max_minutes="$MINUTES")
fi

# One subword model for every seed: an ensemble reads one source and scores one vocabulary.
[[ -f $OUT/spm.model ]] || {
  "$NMT" prepare "$CONFIG" "${common[@]}" --set model_dir="$OUT/vocab" 2>>"$OUT/train.log"
  cp "$OUT/vocab/spm.model" "$OUT/spm.model"
}
for seed in "${seeds[@]}"; do
  dir=$OUT/seed-$seed
  [[ -f $dir/done ]] && continue
  resume=()
  if compgen -G "$dir/checkpoints/step-*.ckpt" >/dev/null; then resume=(--resume); fi
  mkdir -p "$dir" && cp "$OUT/spm.model" "$dir/spm.model"
  "$NMT" train "$CONFIG" "${common[@]}" --set model_dir="$dir" --set train.seed="$seed" \
    "${resume[@]}" 2>>"$OUT/train.log"
  # Stopped by a signal, training exits 0 with a resumable checkpoint: not done.
  if tail -n 1 "$dir/metrics.jsonl" | grep -q '"reason":"signal'; then
    echo "bench_ensemble: seed $seed stopped by a signal; the same command resumes it" >&2
    exit 1
  fi
  touch "$dir/done"
done

# translate NAME SPLIT ARGS...: BLEU and chrF of OUT/NAME.SPLIT.hyp, and sentences/s.
translate() {
  local name=$1 split=$2; shift 2
  "$NMT" translate "$@" --input "$OUT/$split.en" --output "$OUT/$name.$split.hyp" --beam 5 \
    --threads 2 2>"$OUT/$name.$split.log"
  local scores speed
  scores=$("$NMT" evaluate --ref "$OUT/$split.de" --hyp "$OUT/$name.$split.hyp" --metrics bleu,chrf)
  speed=$(sed -n 's/.*s of search (\([0-9.]*\) sentences\/s).*/\1/p' "$OUT/$name.$split.log")
  echo "$(sed -n 's/^BLEU = \([0-9.]*\).*/\1/p' <<<"$scores") \
$(sed -n 's/^chrF2 = \([0-9.]*\).*/\1/p' <<<"$scores") $speed"
}

first=$OUT/seed-${seeds[0]}
echo "| K | dev BLEU (beam 5) |"
echo "| ---: | ---: |"
best_k=0 best_bleu=-1
for ((k = 2; k <= KEEP; k++)); do
  "$NMT" average --model "$first" --last "$k" --output "$OUT/avg$k.ckpt" 2>>"$OUT/average.log"
  read -r bleu _ _ < <(translate "avg$k" val --model "$first" --checkpoint "$OUT/avg$k.ckpt")
  echo "| $k | $bleu |"
  if awk -v a="$bleu" -v b="$best_bleu" 'BEGIN { exit !(a > b) }'; then best_k=$k best_bleu=$bleu; fi
done

models=()
for seed in "${seeds[@]}"; do models+=(--model "$OUT/seed-$seed"); done
echo
echo "| model (test2016, beam 5) | BLEU | chrF2 | sentences/s |"
echo "| --- | ---: | ---: | ---: |"
row() { local label=$1; shift; read -r b c s < <(translate "$@"); echo "| $label | $b | $c | $s |"; }
row "seed ${seeds[0]} alone (best.ckpt)" alone test2016 --model "$first"
row "average of its last $best_k step checkpoints" avg test2016 --model "$first" \
  --checkpoint "$OUT/avg$best_k.ckpt"
row "ensemble of 2 (seeds ${seeds[*]:0:2})" ensemble2 test2016 "${models[@]:0:4}"
row "ensemble of ${#seeds[@]} (seeds ${seeds[*]})" "ensemble${#seeds[@]}" test2016 "${models[@]}"
echo
echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'); date $(date -u +%F); commit $(git rev-parse --short HEAD)"
