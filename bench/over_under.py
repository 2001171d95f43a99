#!/usr/bin/env python3
"""Over- and under-translation proxies of a translation against its reference (Tu et al. 2016
counted these by hand; these are counts a script can make on a whole test set):

  repeated   hypothesis tokens that repeat a word more often than the sentence's reference has
             it: sum over words w of max(0, hyp(w) - max(1, ref(w))), per 100 hypothesis tokens
  stutter    sentences with a word or a bigram repeated immediately ("a a", "a b a b")
  missing    reference tokens the hypothesis lacks (clipped counts), per 100 reference tokens
  length     hypothesis tokens / reference tokens

Tokens are whitespace-separated words, lowercased. Usage: over_under.py REF HYP [HYP ...]
prints one Markdown row per HYP (its file name first)."""
import collections
import sys


def counts(path):
    with open(path, encoding="utf-8") as f:
        return [line.lower().split() for line in f]


def stutters(words):
    return any(words[i] == words[i + 1] for i in range(len(words) - 1)) or any(
        words[i:i + 2] == words[i + 2:i + 4] for i in range(len(words) - 3))


def row(refs, hyps):
    repeated = missing = hyp_tokens = ref_tokens = stutter = 0
    for ref, hyp in zip(refs, hyps, strict=True):
        r, h = collections.Counter(ref), collections.Counter(hyp)
        repeated += sum(max(0, n - max(1, r[w])) for w, n in h.items())
        missing += sum((r - h).values())
        hyp_tokens += len(hyp)
        ref_tokens += len(ref)
        stutter += stutters(hyp)
    return (100 * repeated / hyp_tokens, stutter, 100 * missing / ref_tokens,
            hyp_tokens / ref_tokens)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    refs = counts(sys.argv[1])
    print("| hypotheses | repeated / 100 tokens | stutter sentences | missing / 100 ref tokens "
          "| length ratio |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for path in sys.argv[2:]:
        repeated, stutter, missing, length = row(refs, counts(path))
        print(f"| {path} | {repeated:.2f} | {stutter} | {missing:.2f} | {length:.3f} |")


if __name__ == "__main__":
    main()
