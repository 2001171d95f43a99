#!/usr/bin/env bash
# Generates a small synthetic translation task whose correct alignment is known: English
# dates ("Tuesday, March 5, 2021") into German word order ("Dienstag, 5. März 2021").
# Day and month swap places, so a good attention picture shows a crossing, not a diagonal.
# {split}.align holds the gold word alignment of each pair in the Pharaoh format (i-j: English
# word i is German word j, words split at spaces, from 0), for `nmt evaluate --metrics aer`.
#   scripts/make_dates.sh [OUT_DIR]  (default data/dates; writes {train,dev,test}.{en,de,align})
set -euo pipefail
out=${1:-data/dates}
mkdir -p "$out"
generate() {  # name count seed
  awk -v n="$2" -v seed="$3" -v en="$out/$1.en" -v de="$out/$1.de" -v al="$out/$1.align" 'BEGIN {
    srand(seed)
    split("January February March April May June July August September October November December", me, " ")
    split("Januar Februar März April Mai Juni Juli August September Oktober November Dezember", md, " ")
    split("Monday Tuesday Wednesday Thursday Friday Saturday Sunday", we, " ")
    split("Montag Dienstag Mittwoch Donnerstag Freitag Samstag Sonntag", wd, " ")
    for (i = 0; i < n; i++) {
      m = int(rand() * 12) + 1; d = int(rand() * 28) + 1; y = 1950 + int(rand() * 80)
      w = int(rand() * 7) + 1
      if (rand() < 0.5) {
        print we[w] ", " me[m] " " d ", " y > en
        print wd[w] ", " d ". " md[m] " " y > de
        print "0-0 1-2 2-1 3-3" > al
      } else {
        print me[m] " " d ", " y > en
        print d ". " md[m] " " y > de
        print "0-1 1-0 2-2" > al
      }
    }
  }'
}
generate train 20000 1
generate dev 300 2
generate test 300 3
echo "make_dates: $(wc -l < "$out/train.en") training pairs in $out"
