#!/usr/bin/env bash
# Times `nmt evaluate` (BLEU + chrF) on the test2016 German reference scored against itself,
# as is (1k lines) and concatenated 100 times (100k lines). Checks that both scores are 100
# before timing, reports the median of RUNS runs after one warm-up, and times
# `python3 -m sacrebleu` on the same files, one after the other, when python3 can import it.
#
# Usage: bench/bench_evaluate.sh   (env: NMT=build/nmt RUNS=5 PIN_CPU=0 REF_GZ=<test2016.de.gz>)
set -euo pipefail
cd "$(dirname "$0")/.."

NMT=${NMT:-build/nmt}
RUNS=${RUNS:-5}
REF_GZ=${REF_GZ:-../shared/data/multi30k/test2016.de.gz}
COPIES=100

die() { echo "bench_evaluate: $*" >&2; exit 1; }
[[ -x $NMT ]] || die "$NMT is not built (cmake --build build --target nmt)"
[[ -f $REF_GZ ]] || die "$REF_GZ not found"
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer, got '$RUNS'"

# One core and one thread: the metrics are single-threaded, and this keeps runs comparable.
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
PIN=()  # the core is PIN_CPU (default 0)
if command -v taskset >/dev/null; then PIN=(taskset -c "${PIN_CPU:-0}"); fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
zcat "$REF_GZ" >"$tmp/ref_1k.txt"
for ((i = 0; i < COPIES; i++)); do cat "$tmp/ref_1k.txt"; done >"$tmp/ref_100k.txt"

# Median wall time in seconds of RUNS runs of "$@" (output discarded), after one warm-up run.
median_seconds() {
  "$@" >/dev/null
  local times=() start end
  for ((i = 0; i < RUNS; i++)); do
    start=$(date +%s%N)
    "$@" >/dev/null
    end=$(date +%s%N)
    times+=($((end - start)))
  done
  printf '%s\n' "${times[@]}" | sort -n |
    awk '{t[NR] = $1} END {m = NR % 2 ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2;
                          printf "%.3f", m / 1e9}'
}

# Correctness first: a reference scored against itself must give exactly 100 on both metrics.
check_nmt() {
  local out
  out=$("${PIN[@]}" "$NMT" evaluate --ref "$1" --hyp "$1" --metrics bleu,chrf) ||
    die "nmt evaluate failed on $1"
  grep -q '^BLEU = 100\.00 100\.0/100\.0/100\.0/100\.0 ' <<<"$out" &&
    grep -q '^chrF2 = 100\.00 ' <<<"$out" || die "nmt evaluate on $1 against itself: $out"
}

have_sacrebleu=0
if python3 -c 'import sacrebleu' 2>/dev/null; then have_sacrebleu=1; fi
check_sacrebleu() {
  local out
  out=$("${PIN[@]}" python3 -m sacrebleu "$1" -i "$1" -m bleu chrf -b) ||
    die "python3 -m sacrebleu failed on $1"
  # -b prints one bare score per metric.
  awk '{for (i = 1; i <= NF; i++) {n++; bad += ($i + 0 != 100)}} END {exit !(n == 2 && !bad)}' \
    <<<"$out" || die "sacrebleu on $1 against itself: $out"
}

echo "bench_evaluate: $NMT evaluate --metrics bleu,chrf, reference against itself"
commit=$(git rev-parse --short HEAD 2>/dev/null || echo none)
git diff --quiet 2>/dev/null || commit+=" (dirty)"
cpu=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n1)
echo "commit $commit, $cpu, ${PIN[*]:-unpinned}, median of $RUNS runs after 1 warm-up;" \
  "wall time includes reading both files"
if ((have_sacrebleu)); then
  echo "sacrebleu $(python3 -c 'import sacrebleu; print(sacrebleu.__version__)')" \
    "(python3 -m sacrebleu REF -i HYP -m bleu chrf -b; includes interpreter start-up)"
  printf '%-14s %8s %14s %14s %8s\n' corpus lines "nmt (s)" "sacrebleu (s)" ratio
else
  echo "sacrebleu: not importable by python3; absolute figures only"
  printf '%-14s %8s %14s\n' corpus lines "nmt (s)"
fi

for name in 1k 100k; do
  ref=$tmp/ref_$name.txt
  lines=$(wc -l <"$ref")
  check_nmt "$ref"
  nmt_s=$(median_seconds "${PIN[@]}" "$NMT" evaluate --ref "$ref" --hyp "$ref" --metrics bleu,chrf)
  if ((have_sacrebleu)); then
    check_sacrebleu "$ref"
    sb_s=$(median_seconds "${PIN[@]}" python3 -m sacrebleu "$ref" -i "$ref" -m bleu chrf -b)
    ratio=$(awk -v a="$sb_s" -v b="$nmt_s" \
      'BEGIN {if (b > 0) printf "%.1fx", a / b; else print "n/a"}')
    printf '%-14s %8d %14s %14s %8s\n' "test2016_$name" "$lines" "$nmt_s" "$sb_s" "$ratio"
  else
    printf '%-14s %8d %14s\n' "test2016_$name" "$lines" "$nmt_s"
  fi
done
