#!/usr/bin/env bash
# Quality on a time budget: trains CONFIG on Multi30K for MINUTES of wall-clock time with
# 2 threads, translates test2016 with beam 5, scores it (sacreBLEU-exact BLEU, chrF) and prints
# the learning curve (dev perplexity and greedy dev BLEU at every validation) as a Markdown
# table for bench/RESULTS.md.
#
# Usage: bench/bench_recipe.sh CONFIG MINUTES [--set key=value ...]
#   env: NMT=build/nmt OUT=/tmp/nmt_recipe DATA=../shared/data/multi30k
set -euo pipefail
cd "$(dirname "$0")/.."

[[ $# -ge 2 ]] || { echo "usage: $0 CONFIG MINUTES [--set key=value ...]" >&2; exit 2; }
config=$1 minutes=$2; shift 2
NMT=${NMT:-build/nmt}
OUT=${OUT:-/tmp/nmt_recipe}
DATA=${DATA:-../shared/data/multi30k}

rm -rf "$OUT" && mkdir -p "$OUT"
scripts/get_data.sh multi30k --from "$DATA" --to "$OUT/data" >/dev/null
"$NMT" train "$config" --set model_dir="$OUT/model" --set data.train="$OUT/data/train" \
  --set data.dev="$OUT/data/val" --set train.max_minutes="$minutes" --set train.threads=2 "$@" \
  2>"$OUT/train.log"
zcat -f "$OUT"/data/test2016.en* >"$OUT/test.en"
zcat -f "$OUT"/data/test2016.de* >"$OUT/test.de"
"$NMT" translate --model "$OUT/model" --input "$OUT/test.en" --output "$OUT/test.hyp.de" \
  --beam 5 --threads 2 2>"$OUT/translate.log"
"$NMT" evaluate --ref "$OUT/test.de" --hyp "$OUT/test.hyp.de" | tee "$OUT/test.scores"

/usr/bin/python3 - "$OUT/model/metrics.jsonl" <<'EOF'
import json, sys
events = [json.loads(line) for line in open(sys.argv[1])]
print("\n| step | epoch | minutes | dev ppl | dev BLEU (greedy) | lr |")
print("| ---: | ---: | ---: | ---: | ---: | ---: |")
lr = None
for e in events:
    if e["event"] == "train":
        lr = e["lr"]
    elif e["event"] == "valid":
        print(f"| {e['step']} | {e['epoch']} | {e['elapsed_s'] / 60:.1f} | {e['ppl']:.2f} | "
              f"{e['bleu']:.2f} | {lr:.2e} |")
stop = next(e for e in events if e["event"] == "stop")
print(f"\nstopped at step {stop['step']} ({stop['reason']}), {stop['train_tok_per_s']:.0f} "
      f"target tokens/s of pure training")
EOF
echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'); date $(date -u +%F); commit $(git rev-parse --short HEAD)"
