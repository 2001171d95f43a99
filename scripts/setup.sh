#!/usr/bin/env bash
# Installs what nmt needs from Debian 12, makes LibTorch use OpenBLAS, and builds (Release)
# into build/. Idempotent: a second run with nothing changed takes seconds.
#   scripts/setup.sh              install (if missing) + configure + build everything
#   scripts/setup.sh TARGET...    the same, building only these targets (e.g. nmt)
#   scripts/setup.sh --no-build   install only
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake ninja-build ccache mold pkg-config
  libtorch-dev libopenblas0 libopenblas-dev
  libsentencepiece-dev libyaml-cpp-dev libspdlog-dev libfmt-dev catch2
  libcli11-dev nlohmann-json3-dev zlib1g-dev libpng-dev libgloo-dev libcpp-httplib-dev
  chromium      # the browser test of nmt serve's page
  clang-format  # scripts/check_format.sh, run by CI
  time          # GNU time: peak memory in the streaming test and the benchmarks
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "[setup] installing: ${missing[*]}"
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# LibTorch links libblas.so.3; Debian's alternatives system decides whether that is the
# slow reference BLAS or OpenBLAS (measured ~13x faster sgemm here). Point it at OpenBLAS.
blas_alt=$(update-alternatives --list libblas.so.3-x86_64-linux-gnu 2>/dev/null | grep -m1 openblas || true)
if [ -n "$blas_alt" ]; then
  current=$(readlink -f /etc/alternatives/libblas.so.3-x86_64-linux-gnu 2>/dev/null || true)
  if [ "$current" != "$(readlink -f "$blas_alt")" ]; then
    sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo update-alternatives --set libblas.so.3-x86_64-linux-gnu "$blas_alt" >/dev/null
    echo "[setup] libblas.so.3 -> $blas_alt"
  fi
  lapack_alt=$(update-alternatives --list liblapack.so.3-x86_64-linux-gnu 2>/dev/null | grep -m1 openblas || true)
  [ -n "$lapack_alt" ] && ${sudo:-} update-alternatives --set liblapack.so.3-x86_64-linux-gnu "$lapack_alt" >/dev/null
fi

[ "${1:-}" = "--no-build" ] && exit 0

if [ ! -f build/build.ninja ]; then
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
fi
if [ $# -gt 0 ]; then
  cmake --build build --target "$@"
else
  cmake --build build
fi
