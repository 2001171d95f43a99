#!/usr/bin/env bash
# The RNN recipe against the Transformer recipe at an equal budget: each trains for MINUTES of
# wall-clock time with its own defaults (precision and workers by the machine), for each seed of
# SEEDS, all on one subword model (the recipes' subword settings are the same). Then test2016
# with beam 5 (BLEU, chrF) and the learning curve (dev BLEU and perplexity at each validation).
# Prints Markdown tables for bench/RESULTS.md: each recipe's mean ± sd over the seeds, and dev
# BLEU by minute.
# The whole table is 6 hours with the defaults, more than one machine may live: each finished
# run's figures (numbers only) go to KEEP/RECIPE-seed-S.json at once, and a run whose file is
# there is not trained again. Commit them; the same command on another machine goes on.
#
# Usage: bench/bench_architectures.sh [RECIPE ...]   (default: rnn transformer)
#   env: NMT=build/nmt OUT=/tmp/nmt_architectures DATA=../shared/data/multi30k SEEDS="42 1 2"
#        MINUTES=60 KEEP=bench/architecture_runs
set -euo pipefail
cd "$(dirname "$0")/.."

NMT=${NMT:-build/nmt}
OUT=${OUT:-/tmp/nmt_architectures}
DATA=${DATA:-../shared/data/multi30k}
read -r -a seeds <<<"${SEEDS:-42 1 2}"
MINUTES=${MINUTES:-60}
KEEP=${KEEP:-bench/architecture_runs}
declare -A CONFIGS=([rnn]=configs/multi30k_en_de_cpu.yaml
                    [transformer]=configs/multi30k_en_de_transformer_cpu.yaml)
recipes=("$@")
[[ ${#recipes[@]} -gt 0 ]] || recipes=(rnn transformer)
for recipe in "${recipes[@]}"; do
  [[ -v CONFIGS[$recipe] ]] || { echo "bench_architectures: unknown recipe '$recipe'" >&2; exit 2; }
done

mkdir -p "$OUT" "$KEEP"
if [[ ! -d $OUT/data ]]; then
  scripts/get_data.sh multi30k --from "$DATA" --to "$OUT/data.tmp" >/dev/null
  mv "$OUT/data.tmp" "$OUT/data"
fi
for lang in en de; do zcat -f "$OUT/data/test2016.$lang"* >"$OUT/test2016.$lang"; done
data=(--set data.train="$OUT/data/train" --set data.dev="$OUT/data/val"
      --set data.test="$OUT/data/test2016")
[[ -f $OUT/spm.model ]] || {
  "$NMT" prepare "${CONFIGS[rnn]}" "${data[@]}" --set model_dir="$OUT/vocab" 2>>"$OUT/train.log"
  cp "$OUT/vocab/spm.model" "$OUT/spm.model"
}

machine="$(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), cpu family $(grep -m1 '^cpu family' /proc/cpuinfo | sed 's/.*: //') model $(grep -m1 '^model[[:space:]]*:' /proc/cpuinfo | sed 's/.*: //')"
for seed in "${seeds[@]}"; do
  for recipe in "${recipes[@]}"; do
    kept=$KEEP/$recipe-seed-$seed.json
    [[ -f $kept ]] && continue
    dir=$OUT/$recipe-seed-$seed
    rm -rf "$dir" && mkdir -p "$dir" && cp "$OUT/spm.model" "$dir/spm.model"
    echo "bench_architectures: $recipe, seed $seed, $MINUTES minutes ($(date -u +%T))" >&2
    "$NMT" train "${CONFIGS[$recipe]}" "${data[@]}" --set model_dir="$dir" \
      --set train.seed="$seed" --set train.max_minutes="$MINUTES" 2>>"$OUT/train.log"
    "$NMT" translate --model "$dir" --input "$OUT/test2016.en" --output "$dir/test.hyp" \
      --beam 5 2>"$dir/translate.log"
    scores=$("$NMT" evaluate --ref "$OUT/test2016.de" --hyp "$dir/test.hyp" --metrics bleu,chrf)
    /usr/bin/python3 - "$dir/metrics.jsonl" "$recipe" "$seed" "$MINUTES" "$machine" \
      "$(git rev-parse --short HEAD)" "$scores" >"$kept.tmp" <<'PY'
import json, re, sys
metrics, recipe, seed, minutes, machine, commit, scores = sys.argv[1:]
events = [json.loads(line) for line in open(metrics)]
stop = next(e for e in events if e["event"] == "stop")
curve = [{"step": e["step"], "minutes": round(e["elapsed_s"] / 60, 2), "dev_bleu": e["bleu"],
          "dev_ppl": e["ppl"]} for e in events if e["event"] == "valid"]
score = lambda name: float(re.search(rf"^{name} = ([0-9.]+)", scores, re.M).group(1))
json.dump({"recipe": recipe, "seed": int(seed), "minutes": float(minutes), "machine": machine,
           "commit": commit, "test2016_bleu": score("BLEU"), "test2016_chrf": score("chrF2"),
           "updates": stop["step"], "train_tok_per_s": stop["train_tok_per_s"], "curve": curve},
          sys.stdout, indent=1)
PY
    mv "$kept.tmp" "$kept"
  done
done

/usr/bin/python3 - "$KEEP" "${recipes[@]}" <<'PY'
import glob, json, statistics, sys
keep, *recipes = sys.argv[1:]
runs = [json.load(open(p)) for p in sorted(glob.glob(f"{keep}/*-seed-*.json"))]
spread = lambda v: f"{statistics.mean(v):.2f} ± {statistics.stdev(v) if len(v) > 1 else 0:.2f}"
print("| recipe (test2016, beam 5) | seeds | BLEU | chrF2 | BLEU per seed | updates | target tokens/s |")
print("| --- | ---: | ---: | ---: | --- | ---: | ---: |")
for recipe in recipes:
    rs = [r for r in runs if r["recipe"] == recipe]
    if not rs:
        continue
    print(f"| {recipe} | {len(rs)} | {spread([r['test2016_bleu'] for r in rs])} | "
          f"{spread([r['test2016_chrf'] for r in rs])} | "
          + ", ".join(f"{r['test2016_bleu']:.2f} (seed {r['seed']})" for r in rs)
          + f" | {statistics.mean(r['updates'] for r in rs):.0f} | "
          f"{statistics.mean(r['train_tok_per_s'] for r in rs):.0f} |")
marks = [10, 20, 30, 40, 50, float("inf")]  # the last: each seed's final validation
print("\n| dev BLEU (greedy) at minute | 10 | 20 | 30 | 40 | 50 | end |")
print("| --- | " + " | ".join("---:" for _ in marks) + " |")
for recipe in recipes:
    rs = [r for r in runs if r["recipe"] == recipe]
    if not rs:
        continue
    cells = []
    for m in marks:  # each seed's last validation by minute m
        seen = [max((p for p in r["curve"] if p["minutes"] <= m), key=lambda p: p["minutes"],
                    default=None) for r in rs]
        seen = [p["dev_bleu"] for p in seen if p]
        cells.append(f"{statistics.mean(seen):.2f}" if len(seen) == len(rs) else "")
    print(f"| {recipe} | " + " | ".join(cells) + " |")
for r in runs[:1]:
    print(f"\nmachine: {r['machine']}; commits: "
          + ", ".join(sorted({x['commit'] for x in runs})) + f"; {r['minutes']:.0f} minutes each")
PY
