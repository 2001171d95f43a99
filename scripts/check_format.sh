#!/usr/bin/env bash
# Checks that every C++ file tracked by git is formatted as the checked-in .clang-format says
# (Debian 12's clang-format 14, installed by scripts/setup.sh --no-build). Lists the files that
# differ and exits 1; `clang-format -i FILE` formats one.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v clang-format >/dev/null || scripts/setup.sh --no-build
status=0
while IFS= read -r file; do
  if ! clang-format --dry-run -Werror "$file" >/dev/null 2>&1; then
    echo "scripts/check_format.sh: $file is not formatted (clang-format -i $file)" >&2
    status=1
  fi
done < <(git ls-files '*.cpp' '*.h')
exit "$status"
