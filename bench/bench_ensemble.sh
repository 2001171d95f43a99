#!/usr/bin/env bash
# What checkpoint averaging, the weights' moving average (train.ema) and ensembles buy, at a
# budget that fits one session of a 2-core machine (about 2.5 hours with the defaults).
# Trains the CPU recipe (configs/multi30k_en_de_cpu.yaml, its defaults: precision and workers by
# the machine) once per seed for MINUTES, with train.ema=EMA and the last 8 step checkpoints kept,
# all seeds on one subword model. Then, on test2016 with beam 5, for each seed:
#   - "trained": the trained weights of its last step checkpoint;
#   - "average of K": the mean of its last K step checkpoints' trained weights (K in KS);
#   - "ema": best.ckpt, which holds the moving average at the validation with the best dev BLEU.
# And ensembles of the first 2 and of all seeds, of their best.ckpt and of their averages of the
# largest K, with the decoding speed of 1, 2 and all members. Prints Markdown tables for
# bench/RESULTS.md: each single-model row as the seeds' mean +- sd, then the ensembles.
# Every figure goes to OUT/results.json; with KEEP=1 each seed's figures, once decoded, and the
# whole run's go to bench/ensemble_runs/ (commit them: models are not kept across machines).
# Interrupted, the same command goes on: a finished training is kept, one cut short resumes.
#
# Usage: bench/bench_ensemble.sh
#   env: NMT=build/nmt OUT=/tmp/nmt_ensemble DATA=../shared/data/multi30k SEEDS="42 1 2 3"
#        MINUTES=25 EMA=0.999 (a half-life of 693 updates; 25 minutes make about 5,000) KS="2 4 8"
#        SETS= (more config settings, e.g. "train.valid_every=50" for a quick check) KEEP=
set -euo pipefail
cd "$(dirname "$0")/.."

NMT=${NMT:-build/nmt}
OUT=${OUT:-/tmp/nmt_ensemble}
DATA=${DATA:-../shared/data/multi30k}
read -r -a seeds <<<"${SEEDS:-42 1 2 3}"
MINUTES=${MINUTES:-25}
EMA=${EMA:-0.999}
read -r -a ks <<<"${KS:-2 4 8}"
CONFIG=configs/multi30k_en_de_cpu.yaml
commit=$(git rev-parse --short HEAD)
runs=bench/ensemble_runs/$(date -u +%F)-$commit

mkdir -p "$OUT"
if [[ ! -d $OUT/data ]]; then
  scripts/get_data.sh multi30k --from "$DATA" --to "$OUT/data.tmp" >/dev/null
  mv "$OUT/data.tmp" "$OUT/data"
fi
for lang in en de; do zcat -f "$OUT/data/test2016.$lang"* >"$OUT/test2016.$lang"; done
common=(--set data.train="$OUT/data/train" --set data.dev="$OUT/data/val"
        --set data.test="$OUT/data/test2016" --set train.max_minutes="$MINUTES"
        --set train.ema="$EMA" --set train.keep_last=8)
for setting in ${SETS:-}; do common+=(--set "$setting"); done

# One subword model for every seed: an ensemble reads one source and scores one vocabulary.
[[ -f $OUT/spm.model ]] || {
  "$NMT" prepare "$CONFIG" "${common[@]}" --set model_dir="$OUT/vocab" 2>>"$OUT/train.log"
  cp "$OUT/vocab/spm.model" "$OUT/spm.model"
}

# decode NAME ARGS...: "BLEU chrF2 sentences/s" of test2016 with beam 5.
decode() {
  local name=$1; shift
  "$NMT" translate "$@" --input "$OUT/test2016.en" --output "$OUT/$name.hyp" --beam 5 \
    2>"$OUT/$name.log"
  local scores speed
  scores=$("$NMT" evaluate --ref "$OUT/test2016.de" --hyp "$OUT/$name.hyp" --metrics bleu,chrf)
  speed=$(sed -n 's/.*s of search (\([0-9.]*\) sentences\/s).*/\1/p' "$OUT/$name.log" | head -n 1)
  echo "$(sed -n 's/^BLEU = \([0-9.]*\).*/\1/p' <<<"$scores") \
$(sed -n 's/^chrF2 = \([0-9.]*\).*/\1/p' <<<"$scores") $speed"
}

# The figures of one seed, as JSON lines {"seed", "model", "bleu", "chrf", "sentences_per_s"}.
seed_figures() {
  local seed=$1 dir=$OUT/seed-$1 last
  last=$(ls "$dir"/checkpoints/step-*.ckpt | tail -n 1)
  emit() { read -r b c s; echo "{\"seed\": $seed, \"model\": \"$1\", \"bleu\": $b, \"chrf\": $c, \"sentences_per_s\": $s}"; }
  decode "seed$seed.trained" --model "$dir" --checkpoint "$last" | emit trained
  for k in "${ks[@]}"; do
    "$NMT" average --model "$dir" --last "$k" --output "$dir/avg$k.ckpt" 2>>"$OUT/average.log"
    decode "seed$seed.avg$k" --model "$dir" --checkpoint "$dir/avg$k.ckpt" | emit "average of $k"
  done
  decode "seed$seed.ema" --model "$dir" | emit ema
}

for seed in "${seeds[@]}"; do
  dir=$OUT/seed-$seed
  if [[ ! -f $dir/done ]]; then
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
  fi
  [[ -f $dir/figures.jsonl ]] || { seed_figures "$seed" >"$dir/figures.tmp" && mv "$dir/figures.tmp" "$dir/figures.jsonl"; }
  if [[ -n ${KEEP:-} ]]; then mkdir -p "$runs" && cp "$dir/figures.jsonl" "$runs/seed-$seed.jsonl"; fi
done

# Ensembles of the first 2 and of all seeds: of best.ckpt (the moving averages), and of the
# averages of the largest K.
k=${ks[-1]}
ensembles=$OUT/ensembles.jsonl
: >"$ensembles"
for n in $(printf '%s\n' 1 2 "${#seeds[@]}" | sort -nu); do
  members=() averaged=()
  for seed in "${seeds[@]:0:$n}"; do
    members+=(--model "$OUT/seed-$seed")
    averaged+=(--model "$OUT/seed-$seed" --checkpoint "$OUT/seed-$seed/avg$k.ckpt")
  done
  read -r b c s < <(decode "ensemble$n.ema" "${members[@]}")
  echo "{\"members\": $n, \"model\": \"ema\", \"bleu\": $b, \"chrf\": $c, \"sentences_per_s\": $s}" >>"$ensembles"
  [[ $n == 1 ]] && continue
  read -r b c s < <(decode "ensemble$n.avg$k" "${averaged[@]}")
  echo "{\"members\": $n, \"model\": \"average of $k\", \"bleu\": $b, \"chrf\": $c, \"sentences_per_s\": $s}" >>"$ensembles"
done

machine="$(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), cpu family $(grep -m1 '^cpu family' /proc/cpuinfo | sed 's/.*: //') model $(grep -m1 '^model[[:space:]]*:' /proc/cpuinfo | sed 's/.*: //')"
/usr/bin/python3 - "$OUT" "$machine" "$commit" "$MINUTES" "$EMA" "${seeds[@]}" <<'PY'
import json, statistics, sys
out, machine, commit, minutes, ema, *seeds = sys.argv[1:]
singles = [json.loads(l) for s in seeds for l in open(f"{out}/seed-{s}/figures.jsonl")]
ensembles = [json.loads(l) for l in open(f"{out}/ensembles.jsonl")]
json.dump({"machine": machine, "commit": commit, "minutes": float(minutes), "ema": float(ema),
           "seeds": seeds, "singles": singles, "ensembles": ensembles},
          open(f"{out}/results.json", "w"), indent=1)
spread = lambda v: f"{statistics.mean(v):.2f} ± {statistics.stdev(v) if len(v) > 1 else 0:.2f}"
print(f"| single model (test2016, beam 5; {len(seeds)} seeds) | BLEU | chrF2 | " +
      " | ".join(f"seed {s}" for s in seeds) + " |")
print("| --- | ---: | ---: | " + " | ".join("---:" for _ in seeds) + " |")
for model in dict.fromkeys(f["model"] for f in singles):
    rows = [f for f in singles if f["model"] == model]
    print(f"| {model} | {spread([r['bleu'] for r in rows])} | {spread([r['chrf'] for r in rows])} | " +
          " | ".join(f"{r['bleu']:.2f}" for r in rows) + " |")
print("\n| ensemble (test2016, beam 5) | members | BLEU | chrF2 | sentences/s |")
print("| --- | ---: | ---: | ---: | ---: |")
for e in ensembles:
    print(f"| {e['model']} | {e['members']} | {e['bleu']:.2f} | {e['chrf']:.2f} | {e['sentences_per_s']:.1f} |")
print(f"\nmachine: {machine}; commit {commit}; {minutes} minutes per seed, train.ema={ema}")
PY
if [[ -n ${KEEP:-} ]]; then mkdir -p "$runs" && cp "$OUT/results.json" "$runs/results.json"; fi
