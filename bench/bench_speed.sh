#!/usr/bin/env bash
# Speed of nmt against the PyTorch reference (../shared/anchors/ref_seq2seq.py), each at fp32
# and at its best, measured side by side: ROUNDS rounds, each running every setting once, so
# that the machine's drift falls on both programs alike.
#   training  target tokens/s of STEPS updates from a fresh model of the reference architecture
#             (configs/multi30k_en_de.yaml; 2 threads, 3000-token batches), as each program
#             reports it: nmt at fp32 and bf16 in one process, and as configured by default
#             (auto: its precision and worker processes by the CPU), the reference at fp32
#             and with torch.autocast in bf16 (`--precision bf16`) where the CPU has
#             AVX512-BF16 or AMX. Also each training's peak resident memory (GNU time; for
#             nmt's worker processes, the largest of them).
#   decoding  test2016 sentences/s, model time only, greedy and beam 5 (alpha 0.6, 64 sentences
#             per batch, output limit 1.5 |src| + 5), of one trained model, MODEL: by default
#             the CPU recipe (configs/multi30k_en_de_cpu.yaml) after 20 minutes of training,
#             trained here once and kept in CACHE under the fingerprint of its config and data.
#             The reference reads it through bench/ref_on_nmt_model.py, at fp32 and bf16; nmt
#             decodes with its defaults (auto) and with each --precision, with and without its
#             shortlist. Every decoding setting's BLEU is printed beside its speed.
# The reference always runs in the environment nmt sets for itself (OpenBLAS core, thread
# timeout, passive OpenMP waits, glibc malloc settings, src/cli/cpu_runtime.cpp), so that the
# ratio compares the programs, not their environments. The figures, the model's fingerprint
# and BLEU go to OUT/summary.json, and with KEEP=1 to bench/speed_runs/DATE-COMMIT.json.
#
# Usage: bench/bench_speed.sh
#   env: NMT=build/nmt STEPS=40 ROUNDS=2 THREADS=2 DATA=../shared/data/multi30k
#        OUT=/tmp/nmt_bench CACHE=~/.cache/nmt/bench_speed MODEL=DIR (instead of the recipe)
#        MINUTES=20 (the recipe's training) KEEP=0
set -euo pipefail
cd "$(dirname "$0")/.."

NMT=${NMT:-build/nmt}
STEPS=${STEPS:-40}
ROUNDS=${ROUNDS:-2}
THREADS=${THREADS:-2}
DATA=${DATA:-../shared/data/multi30k}
OUT=${OUT:-/tmp/nmt_bench}
CACHE=${CACHE:-$HOME/.cache/nmt/bench_speed}
MINUTES=${MINUTES:-20}
ANCHOR=${ANCHOR:-../shared/anchors/ref_seq2seq.py}
PY=/usr/bin/python3  # Debian's interpreter, which has python3-torch

die() { echo "bench_speed: $*" >&2; exit 1; }
[[ -x $NMT ]] || die "$NMT is not built (scripts/setup.sh)"
[[ -f $ANCHOR ]] || die "$ANCHOR not found"
$PY -c "import torch, sentencepiece, yaml" 2>/dev/null ||
  die "the reference needs python3-torch, python3-sentencepiece and python3-yaml (apt-get install)"

rm -rf "$OUT" && mkdir -p "$OUT"
scripts/get_data.sh multi30k --from "$DATA" --to "$OUT/data" >/dev/null
zcat -f "$OUT"/data/test2016.en* >"$OUT/test.en"
zcat -f "$OUT"/data/test2016.de* >"$OUT/test.de"
# The reference decodes its test set after training: there, three lines (`--test tiny`).
head -n 3 "$OUT/test.en" >"$OUT/data/tiny.en" && head -n 3 "$OUT/test.de" >"$OUT/data/tiny.de"

# ---- the model to decode: MODEL, or the recipe trained once per fingerprint
recipe=configs/multi30k_en_de_cpu.yaml
fingerprint=$(cat "$recipe" <(echo "minutes=$MINUTES") "$OUT"/data/train.* "$OUT"/data/val.* |
  sha256sum | cut -c1-16)
if [[ -z ${MODEL:-} ]]; then
  MODEL=$CACHE/recipe-$fingerprint/model
  if [[ ! -f $MODEL/best.ckpt ]]; then
    echo "== training the CPU recipe for $MINUTES minutes into $MODEL (kept for later runs)" >&2
    rm -rf "$(dirname "$MODEL")" && mkdir -p "$(dirname "$MODEL")"
    "$NMT" train "$recipe" --set model_dir="$MODEL" --set data.train="$OUT/data/train" \
      --set data.dev="$OUT/data/val" --set train.max_minutes="$MINUTES" \
      2>"$(dirname "$MODEL")/train.log"
  fi
fi
[[ -f $MODEL/best.ckpt ]] || die "MODEL=$MODEL has no best.ckpt"
[[ -f $MODEL/shortlist.tsv ]] ||
  "$NMT" shortlist --model "$MODEL" --train "$OUT/data/train" 2>"$OUT/shortlist.log"

BF16=0
grep -qwE "avx512_bf16|amx_bf16" /proc/cpuinfo && BF16=1
ref_precisions=(fp32)
# name:precision:workers; auto is nmt's default (train.precision and train.workers: auto)
nmt_trainings=(fp32:fp32:1 auto:auto:auto)
[[ $BF16 == 1 ]] && ref_precisions+=(bf16) nmt_trainings+=(bf16:bf16:1)
# The reference runs with nmt's mallopt() settings (keep_freed_memory_for_reuse) as glibc
# tunables, nmt train's bound on oneDNN's primitive cache, and the OpenBLAS core nmt chose, which
# the `[runtime]` line of nmt's first training log names.
TUNED_ENV=()
set_tuned_env() {
  [[ ${#TUNED_ENV[@]} -gt 0 ]] && return
  local core
  core=$(grep -o "OpenBLAS core [A-Za-z0-9]*" "$OUT/r1_nmt_train_fp32.log" | head -1 | cut -d' ' -f3) ||
    die "no OpenBLAS core in $OUT/r1_nmt_train_fp32.log"
  TUNED_ENV=(OPENBLAS_CORETYPE="$core" OPENBLAS_THREAD_TIMEOUT=4 OMP_WAIT_POLICY=passive
    ONEDNN_PRIMITIVE_CACHE_CAPACITY=16
    GLIBC_TUNABLES=glibc.malloc.mmap_threshold=268435456:glibc.malloc.trim_threshold=1073741824:glibc.malloc.top_pad=67108864)
}

train_nmt() {  # $1: run name, $2: precision, $3: workers
  echo "== nmt training ($2, workers $3): $STEPS updates" >&2
  /usr/bin/time -f %M -o "$OUT/$1.rss" "$NMT" train configs/multi30k_en_de.yaml --set model_dir="$OUT/$1" \
    --set data.train="$OUT/data/train" --set data.dev="$OUT/data/val" \
    --set train.max_steps="$STEPS" --set train.threads="$THREADS" --set train.batch_tokens=3000 \
    --set train.valid_every=1000000 --set train.log_every=10 --set train.precision="$2" \
    --set train.workers="$3" 2>"$OUT/$1.log"
}
train_ref() {  # $1: run name, $2: precision
  set_tuned_env
  echo "== reference training ($2): $STEPS updates" >&2
  /usr/bin/time -f %M -o "$OUT/$1.rss" env "${TUNED_ENV[@]}" $PY "$ANCHOR" --data "$OUT/data" \
    --out "$OUT/$1" --max-steps "$STEPS" \
    --threads "$THREADS" --max-tokens 3000 --valid-every 1000000 --decode-batch 64 --beam 5 \
    --precision "$2" --test tiny >"$OUT/$1.jsonl" 2>"$OUT/$1.err"
}
decode_ref() {  # $1: run name, $2: precision
  set_tuned_env
  echo "== reference decoding ($2)" >&2
  env "${TUNED_ENV[@]}" $PY bench/ref_on_nmt_model.py "$ANCHOR" "$MODEL" -- --data "$OUT/data" \
    --out "$OUT/$1" --threads "$THREADS" --decode-batch 64 --beam 5 --precision "$2" \
    >"$OUT/$1.jsonl" 2>"$OUT/$1.err"
}
decode_nmt() {  # $1: run name, $2: beam, then more translate options
  local name=$1 beam=$2; shift 2
  echo "== nmt decoding ($name)" >&2
  "$NMT" translate --model "$MODEL" --input "$OUT/test.en" --output "$OUT/$name.de" \
    --beam "$beam" --alpha 0.6 --batch-size 64 --threads "$THREADS" --max-len-a 1.5 \
    --max-len-b 5 "$@" 2>"$OUT/$name.log"
}
NMT_DECODINGS=("auto:" "fp32:--precision fp32" "int8:--precision int8"
  "fp32_shortlist:--precision fp32 --shortlist" "int8_shortlist:--precision int8 --shortlist")
[[ $BF16 == 1 ]] && NMT_DECODINGS+=("bf16:--precision bf16" "bf16_shortlist:--precision bf16 --shortlist")

for round in $(seq "$ROUNDS"); do
  for t in "${nmt_trainings[@]}"; do
    IFS=: read -r name precision workers <<<"$t"
    train_nmt "r${round}_nmt_train_$name" "$precision" "$workers"
  done
  for p in "${ref_precisions[@]}"; do train_ref "r${round}_ref_train_$p" "$p"; done
  for p in "${ref_precisions[@]}"; do decode_ref "r${round}_ref_decode_$p" "$p"; done
  for setting in "${NMT_DECODINGS[@]}"; do
    for search in greedy:1 beam5:5; do
      # shellcheck disable=SC2086
      decode_nmt "r${round}_nmt_${search%:*}_${setting%%:*}" "${search#*:}" ${setting#*:}
    done
  done
done

$PY bench/speed_summary.py "$OUT" "$ROUNDS" "$STEPS" "$MODEL" "$fingerprint" "$NMT" \
  "${TUNED_ENV[*]}"
if [[ ${KEEP:-0} == 1 ]]; then
  mkdir -p bench/speed_runs
  kept=bench/speed_runs/$(date -u +%F)-$(git rev-parse --short HEAD).json
  cp "$OUT/summary.json" "$kept" && echo "kept: $kept"
fi
