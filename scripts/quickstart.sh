#!/usr/bin/env bash
# The main job, from nothing: install what is missing, build, get Multi30K and prepare it
# (subword model, corpora, batches) with the reference config.
#   scripts/quickstart.sh [--from DIR]    DIR: a local copy of Multi30K (default:
#                                         ../shared/data/multi30k if present, else download)
set -euo pipefail
cd "$(dirname "$0")/.."

from=""
if [ "${1:-}" = "--from" ]; then from=${2:?--from needs a folder}; fi
if [ -z "$from" ] && [ -d ../shared/data/multi30k ]; then from=../shared/data/multi30k; fi

scripts/setup.sh
if [ -n "$from" ]; then
  scripts/get_data.sh multi30k --from "$from" --to data/multi30k
else
  scripts/get_data.sh multi30k --to data/multi30k
fi
build/nmt prepare configs/multi30k_en_de.yaml
echo "quickstart: data and subword model ready in data/multi30k and models/multi30k_en_de"
