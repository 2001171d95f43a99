#!/usr/bin/env bash
# Installs what is missing, builds, and runs the test suite (ctest over Catch2).
# Tests tagged [slow] are skipped; run them with:  scripts/test.sh --slow
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
label_args=(-LE slow)
[ "${1:-}" = "--slow" ] && label_args=(-L slow)
ctest --test-dir build --output-on-failure -j "$(nproc)" "${label_args[@]}"
