#!/usr/bin/env bash
# Every attention type, and the Transformer encoder, on equal terms: the CPU recipe
# (configs/multi30k_en_de_cpu.yaml) trained on Multi30K with the same seed, threads (2) and
# wall-clock budget, one run after the other, each through bench/bench_recipe.sh (beam-5
# test2016 BLEU and chrF). Prints a Markdown table for bench/RESULTS.md: test2016 BLEU, chrF,
# dev perplexity and greedy dev BLEU at the last validation, updates and training tokens/s.
#
# With UPDATES=N each row also stops after N updates, so that rows are equal in updates whatever
# the machine's speed (MINUTES is then a cap). The over- and under-translation counts of
# bench/over_under.py on test2016 follow the table.
#
# Usage: bench/bench_attention.sh MINUTES [NAME ...]   (default: every row below)
#   env: NMT=build/nmt OUT=/tmp/nmt_attention DATA=../shared/data/multi30k UPDATES=
set -euo pipefail
cd "$(dirname "$0")/.."

[[ $# -ge 1 ]] || { echo "usage: $0 MINUTES [NAME ...]" >&2; exit 2; }
minutes=$1; shift
OUT=${OUT:-/tmp/nmt_attention}
CONFIG=configs/multi30k_en_de_cpu.yaml

# name -> the --set overrides on top of the recipe (whose attention is mlp, encoder a biGRU).
declare -A VARIANTS=(
  [dot]="model.attention.type=dot"
  [scaled_dot]="model.attention.type=scaled_dot"
  [cosine]="model.attention.type=cosine"
  [mlp]="model.attention.type=mlp"
  [bilinear]="model.attention.type=bilinear"
  [multi_head]="model.attention.type=multi_head model.attention.heads=4"
  [local_m]="model.attention.type=local_m"
  [local_p]="model.attention.type=local_p"
  [hard]="model.attention.type=hard"
  [transformer_encoder]="model.encoder.type=transformer model.encoder.layers=2 model.encoder.hidden=256"
  [coverage]="model.attention.type=coverage"
  [coverage_loss]="model.attention.type=coverage train.coverage_loss=1"
  [location]="model.attention.type=location"
  [sparsemax]="model.attention.normalizer=sparsemax"
  [entmax15]="model.attention.normalizer=entmax15"
)
ORDER=(dot scaled_dot cosine mlp bilinear multi_head local_m local_p hard transformer_encoder
       coverage coverage_loss location sparsemax entmax15)
names=("$@")
[[ ${#names[@]} -gt 0 ]] || names=("${ORDER[@]}")

mkdir -p "$OUT"
for name in "${names[@]}"; do
  [[ -n ${VARIANTS[$name]:-} ]] || { echo "bench_attention: unknown row '$name'" >&2; exit 2; }
  sets=()
  for kv in ${VARIANTS[$name]}; do sets+=(--set "$kv"); done
  [[ -z ${UPDATES:-} ]] || sets+=(--set "train.max_steps=$UPDATES")
  echo "== $name: ${VARIANTS[$name]} ($minutes minutes)" >&2
  OUT="$OUT/$name" bench/bench_recipe.sh "$CONFIG" "$minutes" "${sets[@]}" >"$OUT/$name.txt"
done

/usr/bin/python3 - "$OUT" "${names[@]}" <<'EOF'
import json, re, sys
out, names = sys.argv[1], sys.argv[2:]
print("| model | test2016 BLEU (beam 5) | chrF2 | dev ppl | dev BLEU (greedy) | updates | "
      "train tokens/s |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
for name in names:
    events = [json.loads(l) for l in open(f"{out}/{name}/model/metrics.jsonl")]
    valid = [e for e in events if e["event"] == "valid"][-1]
    stop = next(e for e in events if e["event"] == "stop")
    scores = open(f"{out}/{name}/test.scores").read()
    bleu = re.search(r"BLEU = ([\d.]+)", scores).group(1)
    chrf = re.search(r"chrF2 = ([\d.]+)", scores).group(1)
    print(f"| {name} | {bleu} | {chrf} | {valid['ppl']:.2f} | {valid['bleu']:.2f} | "
          f"{stop['step']} | {stop['train_tok_per_s']:.0f} |")
EOF
echo
hyps=()
for name in "${names[@]}"; do hyps+=("$name/test.hyp.de"); done
(cd "$OUT" && "$OLDPWD/bench/over_under.py" "${names[0]}/test.de" "${hyps[@]}")
echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'); date $(date -u +%F); commit $(git rev-parse --short HEAD)"
