#!/usr/bin/env bash
# Installs what is missing, builds, and runs the test suite (ctest over Catch2).
#   scripts/test.sh          the default suite (a few minutes on 2 cores from a warm build)
#   scripts/test.sh --slow   the tests tagged [slow]: long trainings, SIGKILL rounds
# Either fails when it selects no test at all.
set -euo pipefail
cd "$(dirname "$0")/.."
label_args=(-LE slow)
case "${1:-}" in
  "") ;;
  --slow) label_args=(-L slow) ;;
  *) echo "scripts/test.sh: unknown argument '$1' (usage: scripts/test.sh [--slow])" >&2; exit 2 ;;
esac
[ $# -le 1 ] || { echo "scripts/test.sh: one argument at most (usage: scripts/test.sh [--slow])" >&2; exit 2; }
scripts/setup.sh
status=0
ctest --test-dir build --output-on-failure --no-tests=error -j "$(nproc)" "${label_args[@]}" ||
  status=$?
# ctest lists skipped tests without their reason; each skipping test prints it first.
grep -h '^skipped: ' build/Testing/Temporary/LastTest.log | sort -u | sed 's/^/why: /' || true
exit "$status"
