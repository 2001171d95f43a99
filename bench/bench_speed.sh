#!/usr/bin/env bash
# Speed and memory of nmt against the PyTorch reference (../shared/anchors/ref_seq2seq.py),
# run one after the other in the same run, on the same data (Multi30K), architecture (the
# reference's, configs/multi30k_en_de.yaml), threads (2) and batch size (3000 target tokens):
#   training  target tokens per second of pure training (no validation, no checkpoints) over
#             the same STEPS updates from a fresh model, as each program reports it;
#   decoding  test2016 sentences per second, model time only (no subwords, no file I/O),
#             greedy and beam 5 (alpha 0.6), 64 sentences per batch, output length limit
#             1.5 * |src| + 5, each program with the model it has after those STEPS updates;
#   memory    peak resident set of each training process (GNU time).
# Also the BLEU of each program's translations (scored by `nmt evaluate`) and, for nmt, the
# same decoding with the CPU tuning of src/cli/cpu_runtime.cpp switched off, to show the BLEU
# of the same model is unchanged by it.
#
# Usage: bench/bench_speed.sh
#   env: NMT=build/nmt STEPS=60 THREADS=2 DATA=../shared/data/multi30k OUT=/tmp/nmt_bench
#        ANCHOR_TUNED=1 also runs the reference with OPENBLAS_CORETYPE/OMP_WAIT_POLICY as nmt
#        sets them, to separate that effect from the rest.
set -euo pipefail
cd "$(dirname "$0")/.."

NMT=${NMT:-build/nmt}
STEPS=${STEPS:-60}
THREADS=${THREADS:-2}
DATA=${DATA:-../shared/data/multi30k}
OUT=${OUT:-/tmp/nmt_bench}
ANCHOR=${ANCHOR:-../shared/anchors/ref_seq2seq.py}
PY=/usr/bin/python3  # Debian's interpreter, which has python3-torch

die() { echo "bench_speed: $*" >&2; exit 1; }
[[ -x $NMT ]] || die "$NMT is not built (scripts/setup.sh)"
[[ -f $ANCHOR ]] || die "$ANCHOR not found"
$PY -c "import torch, sentencepiece" 2>/dev/null ||
  die "the reference needs Debian's python3-torch and python3-sentencepiece (apt-get install)"

rm -rf "$OUT" && mkdir -p "$OUT"
scripts/get_data.sh multi30k --from "$DATA" --to "$OUT/data" >/dev/null
zcat -f "$OUT"/data/test2016.en* >"$OUT/test.en"
zcat -f "$OUT"/data/test2016.de* >"$OUT/test.de"

bleu() { "$NMT" evaluate --ref "$OUT/test.de" --hyp "$1" --metrics bleu --json |
  $PY -c 'import json,sys; print(round(json.load(sys.stdin)["metrics"]["bleu"]["score"], 2))'; }

# ---- the reference: trains STEPS updates, then decodes test2016 greedy and beam 5
run_anchor() {  # $1: name, then env assignments
  local name=$1; shift
  echo "== reference ($name): $STEPS updates, then test2016" >&2
  env "$@" /usr/bin/time -f %M -o "$OUT/$name.rss" $PY "$ANCHOR" --data "$OUT/data" \
    --out "$OUT/$name" --max-steps "$STEPS" --threads "$THREADS" --max-tokens 3000 \
    --valid-every 1000000 --decode-batch 64 --beam 5 >"$OUT/$name.jsonl"
}
run_anchor ref
[[ ${ANCHOR_TUNED:-0} == 1 ]] && run_anchor ref_tuned OPENBLAS_CORETYPE=SkylakeX OMP_WAIT_POLICY=passive

# ---- nmt: the same
echo "== nmt: $STEPS updates, then test2016" >&2
/usr/bin/time -f %M -o "$OUT/nmt.rss" "$NMT" train configs/multi30k_en_de.yaml \
  --set model_dir="$OUT/nmt" --set data.train="$OUT/data/train" --set data.dev="$OUT/data/val" \
  --set train.max_steps="$STEPS" --set train.threads="$THREADS" --set train.batch_tokens=3000 \
  --set train.valid_every=1000000 --set train.log_every=10 2>"$OUT/nmt_train.log"
translate() {  # $1: name, $2: beam, then env assignments
  local name=$1 beam=$2; shift 2
  env "$@" "$NMT" translate --model "$OUT/nmt" --input "$OUT/test.en" --output "$OUT/$name.de" \
    --beam "$beam" --alpha 0.6 --batch-size 64 --threads "$THREADS" --max-len-a 1.5 \
    --max-len-b 5 2>"$OUT/$name.log"
}
translate nmt_greedy 1
translate nmt_beam5 5
translate nmt_greedy_untuned 1 NMT_CPU_RUNTIME_TUNED=1
translate nmt_beam5_untuned 5 NMT_CPU_RUNTIME_TUNED=1

# ---- figures and ratios
report() {
  $PY - "$OUT" "$STEPS" "$THREADS" "${ANCHOR_TUNED:-0}" <<'EOF'
import json, re, sys
out, steps, threads, anchor_tuned = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "1"

def events(path):
    with open(path) as f:
        return {e["event"]: e for e in map(json.loads, f) if "event" in e}

def anchor(name):
    ev = [json.loads(l) for l in open(f"{out}/{name}.jsonl")]
    done = next(e for e in ev if e["event"] == "train_done")
    test = {e["search"]: e for e in ev if e["event"] == "test"}
    return {"train_tok_s": done["tok_per_s"], "steps": done["steps"],
            "greedy": test["greedy"]["sent_per_s"], "beam5": test["beam5"]["sent_per_s"],
            "greedy_out": test["greedy"]["out_tokens"], "beam5_out": test["beam5"]["out_tokens"],
            "rss_mib": int(open(f"{out}/{name}.rss").read().split()[-1]) / 1024,
            "hyp": {"greedy": f"{out}/{name}/test2016.greedy.de",
                    "beam5": f"{out}/{name}/test2016.beam5.de"}}

def nmt_search(name):
    line = next(l for l in open(f"{out}/{name}.log") if "[translate]" in l)
    m = re.search(r"(\d+) sentences, (\d+) output tokens, ([\d.]+) s of search \(([\d.]+)", line)
    return float(m.group(4)), int(m.group(2))

stop = events(f"{out}/nmt/metrics.jsonl")["stop"]
nmt = {"train_tok_s": stop["train_tok_per_s"], "steps": stop["step"],
       "rss_mib": int(open(f"{out}/nmt.rss").read().split()[-1]) / 1024,
       "hyp": {k: f"{out}/nmt_{k}.de" for k in ("greedy", "beam5")}}
for k in ("greedy", "beam5"):
    nmt[k], nmt[k + "_out"] = nmt_search(f"nmt_{k}")
    nmt[k + "_untuned"], _ = nmt_search(f"nmt_{k}_untuned")

rows = [("ref", anchor("ref"))] + ([("ref_tuned", anchor("ref_tuned"))] if anchor_tuned else [])
json.dump({"steps": steps, "threads": threads, "nmt": nmt, **dict(rows)},
          open(f"{out}/summary.json", "w"), indent=1)
ref = rows[0][1]
print(f"| figure | reference | nmt | nmt / reference |")
print(f"| --- | ---: | ---: | ---: |")
def row(label, key, fmt="{:.1f}", lower_better=False):
    r, n = ref[key], nmt[key]
    ratio = (r / n) if lower_better else (n / r)
    print(f"| {label} | {fmt.format(r)} | {fmt.format(n)} | {ratio:.2f}x |")
row(f"training target tokens/s ({steps} updates)", "train_tok_s")
row("greedy test2016 sentences/s", "greedy")
row("beam-5 test2016 sentences/s", "beam5")
row("peak RSS in training (MiB; ratio = reference / nmt)", "rss_mib", "{:.0f}", True)
print(f"| greedy output tokens | {ref['greedy_out']} | {nmt['greedy_out']} | |")
print(f"| beam-5 output tokens | {ref['beam5_out']} | {nmt['beam5_out']} | |")
for name, r in rows[1:]:
    print(f"\n{name}: training {r['train_tok_s']:.1f} tok/s, greedy {r['greedy']:.1f} sent/s, "
          f"beam-5 {r['beam5']:.1f} sent/s, peak RSS {r['rss_mib']:.0f} MiB")
print(f"\nnmt without its CPU tuning (NMT_CPU_RUNTIME_TUNED=1): greedy {nmt['greedy_untuned']:.1f}"
      f" sent/s, beam-5 {nmt['beam5_untuned']:.1f} sent/s")
EOF
}
report
for name in greedy beam5; do
  echo "BLEU $name: reference $(bleu "$OUT/ref/test2016.$name.de")," \
    "nmt $(bleu "$OUT/nmt_$name.de"), nmt untuned $(bleu "$OUT/nmt_${name}_untuned.de")"
done
cmp -s "$OUT/nmt_beam5.de" "$OUT/nmt_beam5_untuned.de" && echo "nmt beam-5 output identical with and without CPU tuning" ||
  echo "nmt beam-5 output differs with and without CPU tuning (see BLEU above)"
echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'); date $(date -u +%F); commit $(git rev-parse --short HEAD)"
