#!/usr/bin/env bash
# Data-parallel training speed: target tokens per second of pure training (no validation, no
# checkpoints) of the CPU recipe with `--nproc 2` (two workers, 1 thread each) against one
# process with 2 threads, same config, same data, same number of updates, alternating
# one/two ROUNDS times in one run (the machine is shared and noisy). Prints each run, the
# means and their ratio as Markdown for bench/RESULTS.md.
#
# Usage: bench/bench_parallel.sh [ROUNDS]
#   env: NMT=build/nmt STEPS=120 CONFIG=configs/multi30k_en_de_cpu.yaml
#        DATA=../shared/data/multi30k OUT=/tmp/nmt_parallel
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=${1:-3}
NMT=${NMT:-build/nmt}
STEPS=${STEPS:-120}
CONFIG=${CONFIG:-configs/multi30k_en_de_cpu.yaml}
DATA=${DATA:-../shared/data/multi30k}
OUT=${OUT:-/tmp/nmt_parallel}

rm -rf "$OUT" && mkdir -p "$OUT"
scripts/get_data.sh multi30k --from "$DATA" --to "$OUT/data" >/dev/null
# A 20-sentence dev set: the validation at the end of each run is not what is measured.
zcat -f "$OUT"/data/val.en* | awk "NR <= 20" >"$OUT/dev.en"
zcat -f "$OUT"/data/val.de* | awk "NR <= 20" >"$OUT/dev.de"
common=(--set data.train="$OUT/data/train" --set data.dev="$OUT/dev" --set train.threads=2
        --set train.max_steps="$STEPS" --set train.valid_every=1000000 --set train.max_minutes=0)
# The subword models once; every run copies them.
"$NMT" prepare "$CONFIG" --set model_dir="$OUT/prepared" "${common[@]}" 2>"$OUT/prepare.log"

run() {  # run NAME [options]: prints the run's train_tok_per_s
  local name=$1; shift
  rm -rf "$OUT/$name" && mkdir -p "$OUT/$name" && cp "$OUT"/prepared/*.model "$OUT/$name/"
  "$NMT" train "$CONFIG" --set model_dir="$OUT/$name" "${common[@]}" "$@" 2>"$OUT/$name.log"
  /usr/bin/python3 -c 'import json,sys
print(next(json.loads(l)["train_tok_per_s"] for l in open(sys.argv[1]) if "\"stop\"" in l))' \
    "$OUT/$name/metrics.jsonl"
}

echo "| round | 1 process, 2 threads (tok/s) | --nproc 2, 1 thread each (tok/s) | ratio |"
echo "| ---: | ---: | ---: | ---: |"
one_sum=0 two_sum=0
for r in $(seq "$rounds"); do
  one=$(run "one_$r")
  two=$(run "two_$r" --nproc 2)
  echo "| $r | ${one%.*} | ${two%.*} | $(/usr/bin/python3 -c "print(f'{$two/$one:.2f}')") |"
  one_sum=$(/usr/bin/python3 -c "print($one_sum + $one)")
  two_sum=$(/usr/bin/python3 -c "print($two_sum + $two)")
done
/usr/bin/python3 -c "one, two = $one_sum / $rounds, $two_sum / $rounds
print(f'| mean | {one:.0f} | {two:.0f} | **{two / one:.2f}x** |')"
echo
echo "$STEPS updates per run; machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'); date $(date -u +%F); commit $(git rev-parse --short HEAD)"
