#!/usr/bin/env bash
# Fetches a corpus and checks every file's sha256 (of its decompressed text).
#   scripts/get_data.sh multi30k [--from DIR] [--to data/multi30k]
# Without --from it downloads Multi30K Task 1 (raw, untokenized) from its GitHub
# repository; with --from it copies from a local folder holding the same files (plain or
# .gz). Test sets absent from a local folder are reported and skipped.
set -euo pipefail

usage() { echo "usage: $0 multi30k [--from DIR] [--to DIR]" >&2; exit 2; }
die() { echo "get_data: error: $*" >&2; exit 1; }

[ $# -ge 1 ] || usage
corpus=$1; shift
[ "$corpus" = multi30k ] || die "unknown corpus '$corpus' (expected one of: multi30k)"
from=""; to="data/multi30k"
while [ $# -gt 0 ]; do
  case $1 in
    --from) [ $# -ge 2 ] || usage; from=$2; shift 2 ;;
    --to) [ $# -ge 2 ] || usage; to=$2; shift 2 ;;
    *) usage ;;
  esac
done

# Multi30K Task 1 raw at a fixed commit; the hash is that of the decompressed text.
base_url="https://github.com/multi30k/dataset/raw/a3d2e0d26b56f3846f66a952536ffed4e401d05a/data/task1/raw"
# name  upstream-name  required  sha256-of-text
files="
train.en train.en required 460a15fbd157e34a7a9957ee388c1ca247fe47af3ef25fb50442af6c274e0fc6
train.de train.de required 2c2b73fd2b548fbcde3a875e0a78d6ee94d498bfdee6bd3eae3945779e9ddf72
val.en val.en required 1f2a23d992769b5b3d209b0a10dd0b77c08cceb1f20dfb97ed0aafa49d107227
val.de val.de required 660e09eb7e1da2f856ea13ee5ad3cf6d36b3d5b0b733c857e94c5747a3dfc660
test2016.en test_2016_flickr.en test 399a4382932c1aadd3ceb9bef1008d388a64c76d4ae4e9d4728c6f4301cac182
test2016.de test_2016_flickr.de test 4be6b5b3236b79c25475c6bb829800a7ce559e9ba7a1f6c2394fe4d40be46d16
test2017.en test_2017_flickr.en test ce1450ddc5ab0834502579d77a170849952e15a2938b34cc503bdc25ebb4fb98
test2017.de test_2017_flickr.de test c3078bc3b36808bf9d20eb2347ed6137016179ef59ec0d2b9b8ecc3fb2880081
"

text_sha256() { gzip -dcf "$1" | sha256sum | cut -d' ' -f1; }

mkdir -p "$to"
ok=0
while read -r name upstream kind sha; do
  [ -n "$name" ] || continue
  dest="$to/$name.gz"
  if [ -n "$from" ]; then
    if [ -f "$from/$name.gz" ]; then src="$from/$name.gz"
    elif [ -f "$from/$name" ]; then src="$from/$name"
    elif [ "$kind" = test ]; then echo "get_data: $name: not in $from, skipped"; continue
    else die "$name: not found in $from (looked for $name.gz and $name)"
    fi
    if [ "${src%.gz}" = "$src" ]; then gzip -c "$src" > "$dest.part"; else cp "$src" "$dest.part"; fi
  else
    if [ -f "$dest" ] && [ "$(text_sha256 "$dest")" = "$sha" ]; then ok=$((ok + 1)); continue; fi
    curl -fsSL --retry 2 --connect-timeout 20 -o "$dest.part" "$base_url/$upstream.gz" ||
      die "$name: download failed from $base_url/$upstream.gz (use --from DIR for a local copy)"
  fi
  actual=$(text_sha256 "$dest.part" 2>/dev/null || echo unreadable)
  if [ "$actual" != "$sha" ]; then
    rm -f "$dest.part"
    die "$name: sha256 mismatch in ${src:-$base_url/$upstream.gz} (expected $sha, got $actual)"
  fi
  chmod 644 "$dest.part"; mv "$dest.part" "$dest"
  ok=$((ok + 1))
done <<< "$files"
echo "get_data: $ok files in $to, sha256 checked"
