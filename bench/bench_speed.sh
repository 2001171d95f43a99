#!/usr/bin/env bash
# Speed and memory of nmt against the PyTorch reference (../shared/anchors/ref_seq2seq.py),
# run one after the other in the same run, on the same data (Multi30K), architecture (the
# reference's, configs/multi30k_en_de.yaml), threads (2) and batch size (3000 target tokens):
#   training  target tokens per second of pure training (no validation, no checkpoints) over
#             the same STEPS updates from a fresh model, as each program reports it;
#   decoding  test2016 sentences per second, model time only (no subwords, no file I/O),
#             greedy and beam 5 (alpha 0.6), 64 sentences per batch, output length limit
#             1.5 * |src| + 5. Both programs decode the same model: MODEL, an nmt model of the
#             reference architecture (default: nmt's model after the STEPS updates), which
#             bench/ref_on_nmt_model.py hands to the reference with its subwords;
#   memory    peak resident set of each training process (GNU time).
# The reference runs twice: given the environment nmt sets for itself (the OpenBLAS core nmt's
# log names, OPENBLAS_THREAD_TIMEOUT=4, OMP_WAIT_POLICY=passive, and glibc malloc keeping freed
# memory; src/cli/cpu_runtime.cpp), which is the ratio that counts, and as shipped. nmt trains
# and decodes once per precision it offers on this CPU (fp32, and bf16 where the CPU has
# AVX512-BF16 or AMX: `train.precision`, `nmt translate --precision`); the CPU's model and flags
# are printed. Decoding also runs with THREADS workers of one thread each (`--workers`), which
# search whole batches at once and give the same translations, and with a lexical shortlist
# (`nmt shortlist` over the training data into MODEL/shortlist.tsv, then `translate
# --shortlist`), which scores only the target pieces likely for each batch's source and may
# change translations: its BLEU is printed next to the full vocabulary's. Where bf16 is offered,
# it also decodes in bf16 with the shortlist, the fastest decoding nmt has.
# Also the BLEU of each program's translations of the same model (scored by `nmt evaluate`)
# and nmt's decoding with the CPU tuning of src/cli/cpu_runtime.cpp switched off, to show the
# BLEU of the same model is unchanged by it.
#
# Usage: bench/bench_speed.sh
#   env: NMT=build/nmt STEPS=60 THREADS=2 DATA=../shared/data/multi30k OUT=/tmp/nmt_bench
#        MODEL=DIR  a trained model to decode, e.g. the one of
#                   `OUT=/tmp/ref_arch bench/bench_recipe.sh configs/multi30k_en_de.yaml 60`
#                   (/tmp/ref_arch/model); after 60 updates both programs emit degenerate output
#        ANCHOR_TUNED=0  runs the reference as shipped only (faster, not the ratio that counts)
set -euo pipefail
cd "$(dirname "$0")/.."

NMT=${NMT:-build/nmt}
STEPS=${STEPS:-60}
THREADS=${THREADS:-2}
DATA=${DATA:-../shared/data/multi30k}
OUT=${OUT:-/tmp/nmt_bench}
MODEL=${MODEL:-$OUT/nmt}
ANCHOR=${ANCHOR:-../shared/anchors/ref_seq2seq.py}
PY=/usr/bin/python3  # Debian's interpreter, which has python3-torch

die() { echo "bench_speed: $*" >&2; exit 1; }
[[ -x $NMT ]] || die "$NMT is not built (scripts/setup.sh)"
[[ -f $ANCHOR ]] || die "$ANCHOR not found"
$PY -c "import torch, sentencepiece" 2>/dev/null ||
  die "the reference needs Debian's python3-torch and python3-sentencepiece (apt-get install)"
[[ $MODEL == "$OUT/nmt" || -f $MODEL/best.ckpt ]] || die "MODEL=$MODEL has no best.ckpt"

rm -rf "$OUT" && mkdir -p "$OUT"
scripts/get_data.sh multi30k --from "$DATA" --to "$OUT/data" >/dev/null
zcat -f "$OUT"/data/test2016.en* >"$OUT/test.en"
zcat -f "$OUT"/data/test2016.de* >"$OUT/test.de"

bleu() { "$NMT" evaluate --ref "$OUT/test.de" --hyp "$1" --metrics bleu --json |
  $PY -c 'import json,sys; print(round(json.load(sys.stdin)["metrics"]["bleu"]["score"], 2))'; }

# ---- training: each program STEPS updates from a fresh model; nmt first, whose log says which
# OpenBLAS core it runs on (src/cli/cpu_runtime.cpp chooses it by the CPU's flags)
train_nmt() {  # $1: name, $2: precision
  echo "== nmt ($2): $STEPS updates" >&2
  /usr/bin/time -f %M -o "$OUT/$1.rss" "$NMT" train configs/multi30k_en_de.yaml \
    --set model_dir="$OUT/$1" --set data.train="$OUT/data/train" --set data.dev="$OUT/data/val" \
    --set train.max_steps="$STEPS" --set train.threads="$THREADS" --set train.batch_tokens=3000 \
    --set train.valid_every=1000000 --set train.log_every=10 --set train.precision="$2" \
    2>"$OUT/$1_train.log"
}
BF16=0
grep -qwE "avx512_bf16|amx_bf16" /proc/cpuinfo && BF16=1
train_nmt nmt fp32
[[ $BF16 == 1 ]] && train_nmt nmt_bf16 bf16
core=$(grep -o "OpenBLAS core [A-Za-z0-9]*" "$OUT/nmt_train.log" | head -1 | cut -d' ' -f3) ||
  die "no OpenBLAS core in $OUT/nmt_train.log"
# nmt's mallopt() settings (keep_freed_memory_for_reuse) as glibc tunables, and nmt train's
# bound on oneDNN's primitive cache (bound_onednn_primitive_cache).
TUNED_ENV=(OPENBLAS_CORETYPE="$core" OPENBLAS_THREAD_TIMEOUT=4 OMP_WAIT_POLICY=passive
  ONEDNN_PRIMITIVE_CACHE_CAPACITY=16
  GLIBC_TUNABLES=glibc.malloc.mmap_threshold=268435456:glibc.malloc.trim_threshold=1073741824:glibc.malloc.top_pad=67108864)
train_anchor() {  # $1: name, then env assignments
  local name=$1; shift
  echo "== reference ($name): $STEPS updates" >&2
  env "$@" /usr/bin/time -f %M -o "$OUT/$name.rss" $PY "$ANCHOR" --data "$OUT/data" \
    --out "$OUT/$name" --max-steps "$STEPS" --threads "$THREADS" --max-tokens 3000 \
    --valid-every 1000000 --decode-batch 64 --beam 5 >"$OUT/$name.jsonl"
}
[[ ${ANCHOR_TUNED:-1} == 1 ]] && train_anchor ref_tuned "${TUNED_ENV[@]}"
train_anchor ref

# ---- decoding: both programs, the same model
decode_anchor() {  # $1: name, then env assignments
  local name=$1; shift
  echo "== reference ($name): test2016 with $MODEL" >&2
  env "$@" $PY bench/ref_on_nmt_model.py "$ANCHOR" "$MODEL" -- --data "$OUT/data" \
    --out "$OUT/$name" --threads "$THREADS" --decode-batch 64 --beam 5 >"$OUT/$name.jsonl"
}
[[ ${ANCHOR_TUNED:-1} == 1 ]] && decode_anchor ref_tuned_decode "${TUNED_ENV[@]}"
decode_anchor ref_decode
translate() {  # $1: name, $2: beam, $3: precision, $4: workers, then env assignments;
  # SHORTLIST=1: with the model's shortlist
  local name=$1 beam=$2 precision=$3 workers=$4; shift 4
  echo "== nmt ($name): test2016 with $MODEL" >&2
  env "$@" "$NMT" translate --model "$MODEL" --input "$OUT/test.en" --output "$OUT/$name.de" \
    --beam "$beam" --alpha 0.6 --batch-size 64 --threads "$THREADS" --max-len-a 1.5 \
    --max-len-b 5 --precision "$precision" --workers "$workers" \
    ${SHORTLIST:+--shortlist} 2>"$OUT/$name.log"
}
"$NMT" shortlist --model "$MODEL" --train "$OUT/data/train" 2>"$OUT/shortlist.log"
for search in greedy:1 beam5:5; do
  translate "nmt_${search%:*}" "${search#*:}" fp32 1
  translate "nmt_${search%:*}_workers" "${search#*:}" fp32 "$THREADS"
  SHORTLIST=1 translate "nmt_${search%:*}_shortlist" "${search#*:}" fp32 1
  SHORTLIST=1 translate "nmt_${search%:*}_shortlist_workers" "${search#*:}" fp32 "$THREADS"
  if [[ $BF16 == 1 ]]; then
    translate "nmt_${search%:*}_bf16" "${search#*:}" bf16 1
    translate "nmt_${search%:*}_bf16_workers" "${search#*:}" bf16 "$THREADS"
    SHORTLIST=1 translate "nmt_${search%:*}_bf16_shortlist" "${search#*:}" bf16 1
    SHORTLIST=1 translate "nmt_${search%:*}_bf16_shortlist_workers" "${search#*:}" bf16 "$THREADS"
  fi
  translate "nmt_${search%:*}_untuned" "${search#*:}" fp32 1 NMT_CPU_RUNTIME_TUNED=1
done

# ---- figures and ratios
$PY - "$OUT" "$STEPS" "$MODEL" "${ANCHOR_TUNED:-1}" "$THREADS" <<'EOF'
import json, re, sys
out, steps, model, anchor_tuned = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "1"
threads = sys.argv[5]

def anchor(train, decode):
    done = next(e for e in map(json.loads, open(f"{out}/{train}.jsonl"))
                if e["event"] == "train_done")
    test = {e["search"]: e for e in map(json.loads, open(f"{out}/{decode}.jsonl"))
            if e["event"] == "test"}
    return {"train_tok_s": done["tok_per_s"],
            "rss_mib": int(open(f"{out}/{train}.rss").read().split()[-1]) / 1024,
            **{k: test[k]["sent_per_s"] for k in ("greedy", "beam5")},
            **{k + "_out": test[k]["out_tokens"] for k in ("greedy", "beam5")}}

def nmt_search(name):
    line = next(l for l in open(f"{out}/{name}.log") if "s of search" in l)
    m = re.search(r"(\d+) sentences, (\d+) output tokens, ([\d.]+) s of search \(([\d.]+)", line)
    return float(m.group(4)), int(m.group(2))

def nmt_training(name):
    stop = next(e for e in map(json.loads, open(f"{out}/{name}/metrics.jsonl"))
                if e["event"] == "stop")
    return {"train_tok_s": stop["train_tok_per_s"],
            "rss_mib": int(open(f"{out}/{name}.rss").read().split()[-1]) / 1024}

nmt = nmt_training("nmt")
try:
    bf16 = nmt_training("nmt_bf16")
    nmt["train_tok_s_bf16"], nmt["rss_mib_bf16"] = bf16["train_tok_s"], bf16["rss_mib"]
except FileNotFoundError:
    bf16 = None
for k in ("greedy", "beam5"):
    nmt[k], nmt[k + "_out"] = nmt_search(f"nmt_{k}")
    nmt[k + "_untuned"], _ = nmt_search(f"nmt_{k}_untuned")
    nmt[k + "_workers"], _ = nmt_search(f"nmt_{k}_workers")
    nmt[k + "_shortlist"], _ = nmt_search(f"nmt_{k}_shortlist")
    nmt[k + "_shortlist_workers"], _ = nmt_search(f"nmt_{k}_shortlist_workers")
    if bf16:
        nmt[k + "_bf16"], _ = nmt_search(f"nmt_{k}_bf16")
        nmt[k + "_bf16_workers"], _ = nmt_search(f"nmt_{k}_bf16_workers")
        nmt[k + "_bf16_shortlist"], _ = nmt_search(f"nmt_{k}_bf16_shortlist")
        nmt[k + "_bf16_shortlist_workers"], _ = nmt_search(f"nmt_{k}_bf16_shortlist_workers")

refs = []
if anchor_tuned:
    refs.append(("reference, nmt's environment", anchor("ref_tuned", "ref_tuned_decode")))
refs.append(("reference as shipped", anchor("ref", "ref_decode")))
json.dump({"steps": steps, "model": model, "nmt": nmt, **dict(refs)},
          open(f"{out}/summary.json", "w"), indent=1)
print(f"decoding model: {model}\n")
print("| figure | " + " | ".join(n for n, _ in refs) + " | nmt | " +
      " | ".join(f"nmt / {n}" for n, _ in refs) + " |")
print("| --- |" + " ---: |" * (2 * len(refs) + 1))
def row(label, key, fmt="{:.1f}", lower_better=False, nmt_key=None):
    mine = nmt[nmt_key or key]
    cells = [fmt.format(r[key]) for _, r in refs] + [fmt.format(mine)]
    ratios = [f"{(r[key] / mine) if lower_better else (mine / r[key]):.2f}x" for _, r in refs]
    print(f"| {label} | " + " | ".join(cells + ratios) + " |")
row(f"training target tokens/s ({steps} updates), nmt fp32", "train_tok_s")
if bf16:
    row(f"training target tokens/s ({steps} updates), nmt bf16", "train_tok_s",
        nmt_key="train_tok_s_bf16")
for k, label in (("greedy", "greedy"), ("beam5", "beam-5")):
    row(f"{label} test2016 sentences/s, nmt fp32", k)
    row(f"{label} test2016 sentences/s, nmt fp32, {threads} workers", k, nmt_key=k + "_workers")
    row(f"{label} test2016 sentences/s, nmt fp32, shortlist", k, nmt_key=k + "_shortlist")
    row(f"{label} test2016 sentences/s, nmt fp32, shortlist, {threads} workers", k,
        nmt_key=k + "_shortlist_workers")
    if bf16:
        row(f"{label} test2016 sentences/s, nmt bf16", k, nmt_key=k + "_bf16")
        row(f"{label} test2016 sentences/s, nmt bf16, {threads} workers", k,
            nmt_key=k + "_bf16_workers")
        row(f"{label} test2016 sentences/s, nmt bf16, shortlist", k, nmt_key=k + "_bf16_shortlist")
        row(f"{label} test2016 sentences/s, nmt bf16, shortlist, {threads} workers", k,
            nmt_key=k + "_bf16_shortlist_workers")
row("peak RSS in training (MiB; ratio = reference / nmt), nmt fp32", "rss_mib", "{:.0f}", True)
if bf16:
    row("peak RSS in training (MiB; ratio = reference / nmt), nmt bf16", "rss_mib", "{:.0f}", True,
        nmt_key="rss_mib_bf16")
else:
    print("| nmt bf16 | not offered on this CPU (no AVX512-BF16 or AMX): fp32 only |" +
          " |" * (2 * len(refs)))
row("greedy output tokens (incl. </s>)", "greedy_out", "{:.0f}")
row("beam-5 output tokens (incl. </s>)", "beam5_out", "{:.0f}")
print(f"\nnmt without its CPU tuning (NMT_CPU_RUNTIME_TUNED=1): greedy {nmt['greedy_untuned']:.1f}"
      f" sent/s, beam-5 {nmt['beam5_untuned']:.1f} sent/s")
EOF
for name in greedy beam5; do
  echo "BLEU $name, same model: reference $(bleu "$OUT/ref_decode/test2016.$name.de")," \
    "nmt $(bleu "$OUT/nmt_$name.de"), nmt untuned $(bleu "$OUT/nmt_${name}_untuned.de")," \
    "nmt shortlist $(bleu "$OUT/nmt_${name}_shortlist.de")" \
    "$([[ $BF16 == 1 ]] && echo ", nmt bf16 $(bleu "$OUT/nmt_${name}_bf16.de"), nmt bf16" \
      "shortlist $(bleu "$OUT/nmt_${name}_bf16_shortlist.de")")"
done
for name in greedy beam5 greedy_bf16 beam5_bf16 greedy_shortlist beam5_shortlist \
  greedy_bf16_shortlist beam5_bf16_shortlist; do
  [[ -f $OUT/nmt_${name}_workers.de ]] || continue
  cmp -s "$OUT/nmt_$name.de" "$OUT/nmt_${name}_workers.de" &&
    echo "nmt $name output identical with $THREADS workers" ||
    echo "nmt $name output differs with $THREADS workers"
done
cmp -s "$OUT/nmt_beam5.de" "$OUT/nmt_beam5_untuned.de" &&
  echo "nmt beam-5 output identical with and without CPU tuning" ||
  echo "nmt beam-5 output differs with and without CPU tuning (see BLEU above)"
echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p') (family $(lscpu | sed -n 's/^CPU family: *//p') model $(lscpu | sed -n 's/^Model: *//p')); date $(date -u +%F); commit $(git rev-parse --short HEAD)"
echo "CPU flags that decide the kernels: $(grep -m1 -owE 'avx2|avx512f|avx512_bf16|amx_bf16|amx_tile|amx_int8' /proc/cpuinfo | sort -u | paste -sd' ')"
echo "nmt's environment, given to the reference: ${TUNED_ENV[*]}"
