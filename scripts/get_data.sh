#!/usr/bin/env bash
# Fetches a corpus and checks every file's sha256 (of its decompressed text).
#   scripts/get_data.sh multi30k [--from DIR] [--to data/multi30k] [--manifest FILE]
# The manifest (default scripts/manifests/CORPUS.txt) names each file, where to download it,
# whether it is required, and its hash. Without --from the files are downloaded; with --from
# they are copied from a local folder holding the same files (plain or .gz). Test sets absent
# from a local folder are reported and skipped.
set -euo pipefail

usage() { echo "usage: $0 CORPUS [--from DIR] [--to DIR] [--manifest FILE]" >&2; exit 2; }
die() { echo "get_data: error: $*" >&2; exit 1; }

[ $# -ge 1 ] || usage
corpus=$1; shift
from=""; to="data/$corpus"; manifest="$(dirname "$0")/manifests/$corpus.txt"
while [ $# -gt 0 ]; do
  case $1 in
    --from) [ $# -ge 2 ] || usage; from=$2; shift 2 ;;
    --to) [ $# -ge 2 ] || usage; to=$2; shift 2 ;;
    --manifest) [ $# -ge 2 ] || usage; manifest=$2; shift 2 ;;
    *) usage ;;
  esac
done
if [ ! -f "$manifest" ]; then
  known=$(cd "$(dirname "$0")/manifests" && ls -- *.txt | sed 's/\.txt$//' | paste -sd, -)
  die "unknown corpus '$corpus': no manifest $manifest (known: $known)"
fi

base_url=$(awk '$1 == "url" {print $2; exit}' "$manifest")
files=$(grep -vE '^[[:space:]]*(#|url[[:space:]]|$)' "$manifest")

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
    [ -n "$base_url" ] || die "$manifest has no 'url' line: use --from DIR"
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
