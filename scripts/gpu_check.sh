#!/usr/bin/env bash
# nmt on a GPU, end to end: build against the LibTorch of a CUDA PyTorch, run the test suite
# (the [cuda] tests included), train the CPU recipe with `device: cuda` for MINUTES, translate
# test2016 on the GPU (greedy and beam 5), score with `nmt evaluate` and with sacreBLEU, and run
# the PyTorch reference (ref_seq2seq.py --device cuda) on the same GPU for its speeds.
#
# A GPU machine may have no network and no package manager, so it runs in two places:
#   scripts/gpu_check.sh --bundle      here (Debian 12, network): fills gpu_bundle/ (ignored by
#                                      git) with the Debian packages nmt builds against,
#                                      unpacked into gpu_bundle/prefix, Multi30K (checked by
#                                      scripts/get_data.sh) and the reference script
#   scripts/gpu_check.sh [PHASE ...]   there, in the copied tree with gpu_bundle/ beside it;
#                                      PHASE: build test train reference (default: all four,
#                                      in that order; split them to fit a time limit per call)
# env: PY (a python3 with CUDA torch and sacrebleu; default /opt/torch/.venv/bin/python3, else
#      python3), MINUTES=3 (nmt training), REF_MINUTES=2 (reference training), WORK (default
#      /tmp/nmt_gpu: models, logs, summary.md), JOBS (default: all cores). Where OUT names a
#      folder (the device tool's), summary.md and the logs are copied into it at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

BUNDLE=$PWD/gpu_bundle
PREFIX=$BUNDLE/prefix
BUILD=$PWD/build-gpu
WORK=${WORK:-/tmp/nmt_gpu}
MINUTES=${MINUTES:-3}
REF_MINUTES=${REF_MINUTES:-2}
JOBS=${JOBS:-$(nproc)}
DATA=$BUNDLE/data/multi30k
PACKAGES=(
  libsentencepiece-dev libsentencepiece0 libyaml-cpp-dev libyaml-cpp0.7 libspdlog-dev
  libspdlog1.10 libfmt-dev libfmt9 catch2 libcli11-dev nlohmann-json3-dev zlib1g zlib1g-dev
  libpng-dev libpng16-16 libcpp-httplib-dev libcpp-httplib0.11 libssl-dev libssl3 libbrotli-dev
  libbrotli1 pkgconf pkgconf-bin libpkgconf3 python3-sentencepiece
)

say() { echo "[gpu_check $(date -u +%H:%M:%S)] $*"; }
die() { echo "gpu_check: error: $*" >&2; exit 1; }

bundle() {
  local debs=$BUNDLE/debs
  rm -rf "$BUNDLE" && mkdir -p "$debs" "$PREFIX" "$BUNDLE/anchor"
  say "downloading ${#PACKAGES[@]} Debian packages"
  (cd "$debs" && apt-get download "${PACKAGES[@]}" 2>&1 | grep -v "^W: Download is performed unsandboxed" || true)
  local count=0
  for deb in "$debs"/*.deb; do dpkg-deb -x "$deb" "$PREFIX"; count=$((count + 1)); done
  [ "$count" -eq "${#PACKAGES[@]}" ] || die "$count of ${#PACKAGES[@]} packages were downloaded"
  # Links to absolute paths (libz.so -> /lib/...) would point outside the prefix there.
  local link target
  while IFS= read -r link; do
    target=$(readlink "$link")
    [[ $target == /* ]] || continue
    ln -sfn "$(realpath -m --relative-to="$(dirname "$link")" "$PREFIX$target")" "$link"
  done < <(find "$PREFIX" -type l)
  if find -L "$PREFIX" -type l | grep .; then die "links that point nowhere in $PREFIX (above)"; fi
  scripts/get_data.sh multi30k --from ../shared/data/multi30k --to "$DATA" >/dev/null
  cp ../shared/anchors/ref_seq2seq.py "$BUNDLE/anchor/"  # run there, never part of nmt
  rm -rf "$debs"
  say "gpu_bundle/: $(du -sh "$BUNDLE" | cut -f1)"
}

if [ "${1:-}" = "--bundle" ]; then
  bundle
  exit 0
fi

[ -d "$PREFIX/usr" ] || die "no gpu_bundle/ here: run scripts/gpu_check.sh --bundle on a Debian 12 machine first"
PY=${PY:-/opt/torch/.venv/bin/python3}
[ -x "$PY" ] || PY=$(command -v python3)
phases=("$@")
[ ${#phases[@]} -gt 0 ] || phases=(build test train reference)
mkdir -p "$WORK"
SUMMARY=$WORK/summary.md
# What the device tool brings back: its OUT folder is emptied before each call.
deliver() { [ -n "${OUT:-}" ] && [ -d "$OUT" ] && cp "$WORK"/*.log "$WORK"/*.md "$OUT"/ 2>/dev/null; true; }
trap deliver EXIT

lib=$PREFIX/usr/lib/x86_64-linux-gnu
export LD_LIBRARY_PATH=$lib:$PREFIX/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export PKG_CONFIG_SYSROOT_DIR=$PREFIX
export PKG_CONFIG_LIBDIR=$lib/pkgconfig:$PREFIX/usr/share/pkgconfig
NMT=$BUILD/nmt

facts() {
  say "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p')"
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || true
  nvcc --version 2>/dev/null | tail -1 || true
  "$PY" -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, "gpus", torch.cuda.device_count())'
  c++ --version | head -1
  cmake --version | head -1
}

configure_and_build() {  # $1: ON or OFF (data-parallel training through c10d/Gloo)
  local torch_prefix
  torch_prefix=$("$PY" -c 'import torch; print(torch.utils.cmake_prefix_path)')
  rm -rf "$BUILD"
  cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DNMT_WITH_C10D="$1" \
    -DCMAKE_PREFIX_PATH="$torch_prefix;$PREFIX/usr" \
    -DPKG_CONFIG_EXECUTABLE="$PREFIX/usr/bin/pkgconf" -DCMAKE_CUDA_COMPILER="$(command -v nvcc)" \
    >"$WORK/configure.log" 2>&1 || { tail -30 "$WORK/configure.log"; return 1; }
  cmake --build "$BUILD" -j "$JOBS" -- -k 0 >"$WORK/build.log" 2>&1 || { grep -m 20 -B2 -A6 "error" "$WORK/build.log"; return 1; }
}

build() {
  : >"$SUMMARY"
  facts
  say "build (LibTorch of $PY, Debian packages from gpu_bundle/)"
  local c10d=ON
  if ! configure_and_build ON; then
    grep -q "FAILED: .*c10d_collective" "$WORK/build.log" || die "the build failed (above; $WORK/build.log)"
    say "the build failed in the c10d code (above); building without data-parallel training"
    c10d="OFF (failed: see $WORK/build.log)"
    configure_and_build OFF || die "the build failed (above; $WORK/configure.log, $WORK/build.log)"
  fi
  local warnings
  warnings=$(grep -c "warning:" "$WORK/build.log" || true)
  say "built; c10d: $c10d; compiler warnings: $warnings"
  grep "warning:" "$WORK/build.log" | sort | uniq -c | sort -rn | head -10 || true
  echo "| build | c10d $c10d, $warnings compiler warnings |" >>"$SUMMARY"
}

need_build() { [ -x "$NMT" ] || die "no $NMT: run the build phase first (on this machine)"; }

run_tests() {
  need_build
  say "test suite (default and [cuda] tests; [slow] left out for time)"
  local log=$WORK/ctest.log
  ctest --test-dir "$BUILD" -LE slow -j "$JOBS" --output-on-failure --no-tests=error \
    >"$log" 2>&1 || true
  tail -15 "$log"
  echo "| tests | $(grep -E "tests passed|tests failed" "$log" | tail -1) |" >>"$SUMMARY"
  ctest --test-dir "$BUILD" -L cuda -N | tail -1
}

train() {
  need_build
  say "train configs/multi30k_en_de_cpu.yaml on cuda for $MINUTES minutes"
  rm -rf "$WORK/model"
  "$NMT" train configs/multi30k_en_de_cpu.yaml --set device=cuda --set model_dir="$WORK/model" \
    --set data.train="$DATA/train" --set data.dev="$DATA/val" \
    --set train.max_minutes="$MINUTES" 2>"$WORK/train.log" || { tail -5 "$WORK/train.log"; die "training failed"; }
  grep -m1 "\[train\] device" "$WORK/train.log" || die "no device line in $WORK/train.log"
  local stop
  stop=$(grep '"event":"stop"' "$WORK/model/metrics.jsonl" | tail -1) || die "no stop event in $WORK/model/metrics.jsonl"
  say "stop event: $stop"
  zcat -f "$DATA"/test2016.en* >"$WORK/test.en"
  zcat -f "$DATA"/test2016.de* >"$WORK/test.de"
  local rows=""
  for beam in 1 5; do
    "$NMT" translate --device cuda --model "$WORK/model" --beam "$beam" --input "$WORK/test.en" \
      --output "$WORK/test.beam$beam.de" 2>"$WORK/translate.beam$beam.log" ||
      { tail -3 "$WORK/translate.beam$beam.log"; die "nmt translate --beam $beam failed"; }
    local speed nmt_bleu sacre_bleu
    speed=$(grep -o "[0-9.]* sentences/s" "$WORK/translate.beam$beam.log" | tail -1) || speed="?"
    nmt_bleu=$("$NMT" evaluate --json --ref "$WORK/test.de" --hyp "$WORK/test.beam$beam.de" \
      --metrics bleu | "$PY" -c 'import json,sys; print("%.2f" % json.load(sys.stdin)["metrics"]["bleu"]["score"])')
    sacre_bleu=$("$PY" -m sacrebleu "$WORK/test.de" -i "$WORK/test.beam$beam.de" -m bleu -b -w 2)
    say "beam $beam: $speed; BLEU nmt evaluate $nmt_bleu, sacreBLEU $sacre_bleu"
    [ "$nmt_bleu" = "$sacre_bleu" ] || say "MISMATCH: nmt evaluate and sacreBLEU differ"
    rows+="| nmt beam $beam | $speed, test2016 BLEU $nmt_bleu (sacreBLEU $sacre_bleu) |"$'\n'
  done
  "$PY" - "$WORK/model/metrics.jsonl" >>"$SUMMARY" <<'EOF'
import json, sys
stop = [json.loads(l) for l in open(sys.argv[1]) if '"stop"' in l][-1]
print(f"| nmt training | {stop['train_tok_per_s']:.0f} target tokens/s, {stop['step']} updates |")
EOF
  printf "%s" "$rows" >>"$SUMMARY"
}

reference() {
  need_build
  say "the PyTorch reference on cuda for $REF_MINUTES minutes"
  if ! "$PY" -c "import sentencepiece" 2>/dev/null; then
    export PYTHONPATH=$PREFIX/usr/lib/python3/dist-packages${PYTHONPATH:+:$PYTHONPATH}
    "$PY" -c "import sentencepiece" 2>/dev/null ||
      { say "reference not run: $PY has no sentencepiece, and Debian's is for another Python"; echo "| reference | not run: no sentencepiece for $PY |" >>"$SUMMARY"; return 0; }
  fi
  "$PY" "$BUNDLE/anchor/ref_seq2seq.py" --data "$DATA" --out "$WORK/ref" --device cuda \
    --minutes "$REF_MINUTES" >"$WORK/ref.jsonl" 2>"$WORK/ref.err" || { tail -5 "$WORK/ref.err"; die "the reference failed"; }
  "$PY" - "$WORK/ref.jsonl" >>"$SUMMARY" <<'EOF'
import json, sys
events = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
done = next(e for e in events if e["event"] == "train_done")
print(f"| reference training | {done['tok_per_s']:.0f} target tokens/s, {done['steps']} updates |")
for e in events:
    if e["event"] == "test":
        print(f"| reference {e['search']} | {e['sent_per_s']} sentences/s |")
EOF
  local name
  for name in greedy beam5; do  # the reference's own model, scored like nmt's
    echo "| reference $name BLEU | $("$NMT" evaluate --ref "$WORK/test.de" \
      --hyp "$WORK/ref/test2016.$name.de" --metrics bleu) |" >>"$SUMMARY"
  done
}

for phase in "${phases[@]}"; do
  case $phase in
    build) build ;;
    test) run_tests ;;
    train) train ;;
    reference) reference ;;
    *) die "unknown phase '$phase' (expected build, test, train or reference)" ;;
  esac
done
say "summary ($SUMMARY):"
cat "$SUMMARY"
