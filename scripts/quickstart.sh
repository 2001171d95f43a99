#!/usr/bin/env bash
# The main job, from nothing: install what is missing, build, make data, train, translate
# the test set with beam search, score it (BLEU, chrF) and draw an attention picture.
#   scripts/quickstart.sh                 offline: a generated English->German date task
#   scripts/quickstart.sh --from DIR      Multi30K En->De from a local copy (DIR), with the
#                                         CPU recipe (configs/multi30k_en_de_cpu.yaml), 10 minutes
#   scripts/quickstart.sh --download      Multi30K En->De, downloaded
# Options: --minutes M (training budget; dates stops when dev BLEU stops improving, within
#          10 minutes; Multi30K trains 10 minutes)
set -euo pipefail
cd "$(dirname "$0")/.."

corpus=dates; from=""; minutes=""
while [ $# -gt 0 ]; do
  case $1 in
    --from) corpus=multi30k; from=${2:?--from needs a folder}; shift 2 ;;
    --download) corpus=multi30k; shift ;;
    --minutes) minutes=${2:?--minutes needs a number}; shift 2 ;;
    *) echo "usage: $0 [--from DIR | --download] [--minutes M]" >&2; exit 2 ;;
  esac
done

scripts/setup.sh nmt  # the main job needs nmt and its plugin, not the tests
if [ "$corpus" = dates ]; then
  config=configs/dates.yaml; model=models/dates; test=data/dates/test
  scripts/make_dates.sh data/dates
  src="$test.en"; ref="$test.de"
else
  config=configs/multi30k_en_de_cpu.yaml; model=models/multi30k_en_de_cpu; test=data/multi30k/test2016
  scripts/get_data.sh multi30k ${from:+--from "$from"} --to data/multi30k
  src="$test.en.gz"; ref="$test.de.gz"
  minutes=${minutes:-10}
fi

rm -rf "$model"  # the job starts afresh each time
build/nmt train "$config" ${minutes:+--set train.max_minutes=$minutes} --set train.threads=2
out="$model/test.beam5.txt"
gzip -dcf "$src" | build/nmt translate --model "$model" --beam 5 --threads 2 --output "$out" \
  --attention-out "$model/test.attention.jsonl"
scores=$(build/nmt evaluate --ref "$ref" --hyp "$out")
pictures=$(build/nmt plot-attention --input "$model/test.attention.jsonl" --out "$model/attention" --lines 1,2,3)

echo
echo "quickstart: $corpus, model in $model (trained per $config)"
echo "$scores"
echo "translations: $out"
echo "attention pictures:"
echo "$pictures" | sed 's/^/  /'
