#!/usr/bin/env bash
# Generates a small synthetic translation task whose alignment is far from the diagonal:
# random sequences of English words ("red cat sees big tree") into German words in reverse
# order ("Baum groß sieht Katze rot"), each word translated by a fixed dictionary. The gold
# alignment is the anti-diagonal, so attention that merely walks along the source diagonal
# scores badly, and the alignment error rate separates attention types that learned to look
# at the right word from those that did not.
# {split}.align holds the gold word alignment of each pair in the Pharaoh format (i-j: English
# word i is German word j, words split at spaces, from 0), for `nmt evaluate --metrics aer`.
#   scripts/make_reverse.sh [OUT_DIR]  (default data/reverse; writes {train,dev,test}.{en,de,align})
set -euo pipefail
out=${1:-data/reverse}
mkdir -p "$out"
generate() {  # name count seed
  awk -v n="$2" -v seed="$3" -v en="$out/$1.en" -v de="$out/$1.de" -v al="$out/$1.align" 'BEGIN {
    srand(seed)
    words = split("red blue green big small old young cat dog bird tree house car river " \
                  "sun moon man woman child friend sees likes finds takes gives sings eats " \
                  "and the a under over near with today yesterday quickly slowly", e, " ")
    split("rot blau grün groß klein alt jung Katze Hund Vogel Baum Haus Auto Fluss " \
          "Sonne Mond Mann Frau Kind Freund sieht mag findet nimmt gibt singt isst " \
          "und der ein unter über nahe mit heute gestern schnell langsam", d, " ")
    for (i = 0; i < n; i++) {
      len = 3 + int(rand() * 7)
      source = ""; target = ""; links = ""
      for (k = 0; k < len; k++) {
        w = int(rand() * words) + 1
        source = source (k ? " " : "") e[w]
        target = d[w] (k ? " " : "") target
        links = links (k ? " " : "") k "-" (len - 1 - k)
      }
      print source > en
      print target > de
      print links > al
    }
  }'
}
generate train 20000 1
generate dev 300 2
generate test 300 3
echo "make_reverse: $(wc -l < "$out/train.en") training pairs in $out"
