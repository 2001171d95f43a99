// Tests of corpus chrF: sacreBLEU's own numbers from tests/data/bleu/expected.tsv,
// hand-counted character n-gram statistics, and properties of the score.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "data/corpus.h"
#include "eval/chrf.h"
#include "eval/expected_scores.h"

using nmt::ChrfStats;
using Counts = std::array<int64_t, nmt::kChrfCharOrder>;

namespace {

ChrfStats chrf_segment(const std::string& hyp, const std::string& ref) {
  return nmt::ChrfScorer().segment_stats(hyp, ref);
}

}  // namespace

TEST_CASE("chrf: reproduces sacreBLEU on every expected.tsv row", "[eval][chrf]") {
  const auto rows = nmt::test::load_expected_scores();
  REQUIRE(rows.size() >= 10);
  for (const auto& row : rows) {
    INFO(row.hyp_file);
    const auto score =
        nmt::corpus_chrf(nmt::read_lines(row.hyp_file), nmt::read_lines(row.ref_file));
    CHECK(score.score == Approx(row.chrf2).margin(0.01));
  }
}

TEST_CASE("chrf: hand-counted character n-grams", "[eval][chrf]") {
  // hyp "abcd" vs ref "abce": order 1: a b c match, 3 of 4 each side; order 2: ab bc, 2 of
  // 3; order 3: abc, 1 of 2; order 4: 0 of 1; orders 5, 6: no n-grams on either side.
  const ChrfStats s = chrf_segment("abcd", "abce");
  CHECK(s.hyp == Counts{4, 3, 2, 1, 0, 0});
  CHECK(s.ref == Counts{4, 3, 2, 1, 0, 0});
  CHECK(s.matches == Counts{3, 2, 1, 0, 0, 0});
  // Effective order 4: P = R = (3/4 + 2/3 + 1/2 + 0) / 4 = 0.479167, and F2 of equal P and R
  // is P: 5PR / (4P + R) = 5P^2 / 5P.
  const auto score = nmt::compute_chrf(s);
  CHECK(score.score == Approx(47.9167).margin(1e-4));
  CHECK(nmt::format(score) == "chrF2 = 47.92");
}

TEST_CASE("chrf: hypothesis n-grams are not counted where the reference has none", "[eval][chrf]") {
  // sacreBLEU 2.x counts a hypothesis's n-grams of order n only if its reference has some:
  // "abcdefg" vs "abc" adds hyp counts 7, 6, 5 and then 0, 0, 0 (not 4, 3, 2).
  const ChrfStats short_ref = chrf_segment("abcdefg", "abc");
  CHECK(short_ref.hyp == Counts{7, 6, 5, 0, 0, 0});
  CHECK(short_ref.matches == Counts{3, 2, 1, 0, 0, 0});
  // That matters once summed with a segment that has those orders ("abcdef", matching
  // itself: 6 5 4 3 2 1). Corpus hyp counts 13 11 9 3 2 1, ref 9 7 5 3 2 1, matches equal
  // ref. P = (9/13 + 7/11 + 5/9 + 1 + 1 + 1) / 6 = 0.814038, R = 1,
  // F2 = 5 * 0.814038 / (4 * 0.814038 + 1) = 0.956307.
  const auto score = nmt::corpus_chrf({"abcdefg", "abcdef"}, {"abc", "abcdef"});
  CHECK(score.stats.hyp == Counts{13, 11, 9, 3, 2, 1});
  CHECK(score.stats.ref == Counts{9, 7, 5, 3, 2, 1});
  CHECK(score.score == Approx(95.6307).margin(1e-4));
}

TEST_CASE("chrf: n-grams are code points with all Unicode whitespace removed", "[eval][chrf]") {
  // NBSP, ideographic space, thin space and tab are whitespace for str.split(): removed.
  CHECK(nmt::compute_chrf(chrf_segment("a\u00a0b\u3000c\u2009d\te", "abcde")).score == 100.0);
  // U+200B (zero-width space) is not: "ab\u200bcd" has 5 characters, 4 of them matching.
  const ChrfStats zw = chrf_segment("ab\u200bcd", "abcd");
  CHECK(zw.hyp[0] == 5);
  CHECK(zw.matches[0] == 4);
  // 'ä' is one character (two UTF-8 bytes); 'a' + U+0308 (combining diaeresis) is two.
  CHECK(chrf_segment("\u00e4", "\u00e4").hyp == Counts{1, 0, 0, 0, 0, 0});
  const ChrfStats combining = chrf_segment("a\u0308", "\u00e4");
  CHECK(combining.hyp == Counts{2, 0, 0, 0, 0, 0});
  CHECK(combining.matches == Counts{0, 0, 0, 0, 0, 0});
}

TEST_CASE("chrf: repeated n-grams are clipped by the reference count", "[eval][chrf]") {
  // "aaaa" vs "aa": order 1: min(4, 2) = 2 of 4; order 2: min(3, 1) = 1 of 3; orders 3+:
  // the reference has none, so the hypothesis counts nothing there.
  const ChrfStats s = chrf_segment("aaaa", "aa");
  CHECK(s.hyp == Counts{4, 3, 0, 0, 0, 0});
  CHECK(s.matches == Counts{2, 1, 0, 0, 0, 0});
  // "abcabd" vs "abd": the second 'a' and "ab" find the reference's only copies taken, yet
  // "abd" after them still matches. Order 1: a b d = 3 of 6; order 2: ab bd = 2 of 5;
  // order 3: abd = 1 of 4.
  const ChrfStats later = chrf_segment("abcabd", "abd");
  CHECK(later.hyp == Counts{6, 5, 4, 0, 0, 0});
  CHECK(later.matches == Counts{3, 2, 1, 0, 0, 0});
}

TEST_CASE("chrf: identical hypothesis and reference score 100", "[eval][chrf]") {
  const auto refs = nmt::read_lines(nmt::test::kBleuTestdata + "ref.test2016.de");
  REQUIRE(refs.size() == 1000);
  const auto score = nmt::corpus_chrf(refs, refs);
  CHECK(score.score == Approx(100.0).margin(1e-9));
  CHECK(score.stats.matches == score.stats.hyp);
}

TEST_CASE("chrf: an all-empty hypothesis scores 0", "[eval][chrf]") {
  const auto refs = nmt::read_lines(nmt::test::kBleuTestdata + "ref.test2016.de");
  const auto score = nmt::corpus_chrf(std::vector<std::string>(refs.size()), refs);
  CHECK(score.score == 0.0);
  CHECK(score.stats.ref[0] > 0);
}

TEST_CASE("chrf: spaces anywhere in the hypothesis change nothing", "[eval][chrf]") {
  const auto rows = nmt::test::load_expected_scores();
  REQUIRE(rows.size() >= 2);
  const auto hyps = nmt::read_lines(rows[1].hyp_file);
  const auto refs = nmt::read_lines(rows[1].ref_file);
  auto spaced = hyps;
  for (auto& h : spaced) {
    std::string out;
    for (char c : h) (out += c) += (c == 'e' ? " " : "");
    h = out + "\t ";
  }
  const auto plain = nmt::corpus_chrf(hyps, refs), with_spaces = nmt::corpus_chrf(spaced, refs);
  REQUIRE(plain.score > 0.0);
  CHECK(with_spaces.score == plain.score);
  CHECK(with_spaces.stats.matches == plain.stats.matches);
}

TEST_CASE("chrf: mismatched corpus sizes are an error", "[eval][chrf]") {
  REQUIRE_THROWS_WITH(nmt::corpus_chrf({"a"}, {"a", "b"}),
                      Catch::Contains("1 hypotheses") && Catch::Contains("2 references"));
}
