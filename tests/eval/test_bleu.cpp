// Tests of corpus BLEU: sacreBLEU's own numbers from tests/data/bleu/expected.tsv,
// hand-counted n-gram statistics, and properties of the score.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "data/corpus.h"
#include "eval/bleu.h"
#include "eval/expected_scores.h"

using nmt::BleuStats;

namespace {

BleuStats bleu_segment(const std::string& hyp, const std::string& ref) {
  return nmt::BleuScorer().segment_stats(hyp, ref);
}

}  // namespace

TEST_CASE("bleu: reproduces sacreBLEU on every expected.tsv row", "[eval][bleu]") {
  const auto rows = nmt::test::load_expected_scores();
  REQUIRE(rows.size() >= 10);
  for (const auto& row : rows) {
    INFO(row.hyp_file);
    const auto score =
        nmt::corpus_bleu(nmt::read_lines(row.hyp_file), nmt::read_lines(row.ref_file));
    CHECK(score.score == Approx(row.bleu).margin(0.01));
    CHECK(nmt::format(score) == row.bleu_text);
  }
}

TEST_CASE("bleu: hand-counted clipped n-gram matches", "[eval][bleu]") {
  // hyp: the cat sat on the mat    ref: the cat is on the mat
  // 1-grams: the x2 (ref x2) + cat + on + mat = 5 of 6 (sat unmatched)
  // 2-grams: "the cat", "on the", "the mat" = 3 of 5
  // 3-grams: "on the mat" = 1 of 4;  4-grams: 0 of 3
  const BleuStats s = bleu_segment("the cat sat on the mat", "the cat is on the mat");
  CHECK(s.matches == std::array<int64_t, 4>{5, 3, 1, 0});
  CHECK(s.totals == std::array<int64_t, 4>{6, 5, 4, 3});
  CHECK(s.hyp_len == 6);
  CHECK(s.ref_len == 6);
  // The zero 4-gram count is the first zero, so it gets 100 / (2 * 3) = 16.67.
  // BLEU = (83.33 * 60 * 25 * 16.67)^(1/4) = 2083333^(1/4) = 37.99; BP = 1.
  const auto score = nmt::compute_bleu(s);
  CHECK(score.score == Approx(37.9918).margin(1e-4));
  CHECK(nmt::format(score) ==
        "BLEU = 37.99 83.3/60.0/25.0/16.7 (BP = 1.000 ratio = 1.000 hyp_len = 6 ref_len = 6)");
}

TEST_CASE("bleu: repeated hypothesis n-grams are clipped by the reference count", "[eval][bleu]") {
  // "the" x4 against one "the": 1 match of 4. Zero counts at orders 2, 3, 4 are smoothed as
  // 100/(2*3), 100/(4*2), 100/(8*1) = 16.67, 12.5, 12.5;
  // BLEU = (25 * 16.67 * 12.5 * 12.5)^(1/4) = 65104^(1/4) = 15.97.
  const BleuStats s = bleu_segment("the the the the", "the cat");
  CHECK(s.matches == std::array<int64_t, 4>{1, 0, 0, 0});
  CHECK(s.totals == std::array<int64_t, 4>{4, 3, 2, 1});
  CHECK(nmt::compute_bleu(s).score == Approx(15.9736).margin(1e-4));
}

TEST_CASE("bleu: statistics add over the corpus before the score", "[eval][bleu]") {
  // Segment 1: hyp "a b c d" fully matches "a b c d e f": 4/4, 3/3, 2/2, 1/1, short by 2.
  // Segment 2: hyp "a b c d e f" vs ref "a b c d": 4/6, 3/5, 2/4, 1/3, long by 2.
  // Corpus: 8/10, 6/8, 4/6, 2/4 and 10 vs 10 tokens, so BP = 1 though each segment's
  // lengths differ: BLEU = (80 * 75 * 66.67 * 50)^(1/4) = (2e7)^(1/4) = 66.87.
  const auto score = nmt::corpus_bleu({"a b c d", "a b c d e f"}, {"a b c d e f", "a b c d"});
  CHECK(score.stats.matches == std::array<int64_t, 4>{8, 6, 4, 2});
  CHECK(score.stats.totals == std::array<int64_t, 4>{10, 8, 6, 4});
  CHECK(score.brevity_penalty == 1.0);
  CHECK(score.score == Approx(66.8740).margin(1e-4));
}

TEST_CASE("bleu: brevity penalty exp(1 - r/c) for a short corpus", "[eval][bleu]") {
  // All 4/3/2/1 n-grams match; c = 4, r = 6: BP = exp(1 - 1.5) = 0.6065, BLEU = 60.65.
  const auto score = nmt::corpus_bleu({"the cat sat on"}, {"the cat sat on the mat"});
  CHECK(score.brevity_penalty == Approx(0.606531).margin(1e-6));
  CHECK(score.score == Approx(60.6531).margin(1e-4));
  CHECK(score.ratio == Approx(4.0 / 6.0));
}

TEST_CASE("bleu: segments are tokenized with 13a after rstrip", "[eval][bleu]") {
  // "Hello, world!" -> Hello , world ! (4 tokens); the reference has no comma (3 tokens).
  const BleuStats s = bleu_segment("Hello, world!", "Hello world!");
  CHECK(s.hyp_len == 4);
  CHECK(s.ref_len == 3);
  CHECK(s.matches[0] == 3);
  // sacreBLEU rstrip()s before 13a, so a trailing "-\n" stays "x-" instead of joining.
  CHECK(bleu_segment("x-\n", "x-").matches[0] == 1);
  CHECK(bleu_segment("x-\n", "x").matches[0] == 0);
}

TEST_CASE("bleu: identical hypothesis and reference score 100", "[eval][bleu]") {
  const auto refs = nmt::read_lines(nmt::test::kBleuTestdata + "ref.test2016.de");
  REQUIRE(refs.size() == 1000);
  const auto score = nmt::corpus_bleu(refs, refs);
  CHECK(score.score == Approx(100.0).margin(1e-9));
  CHECK(score.stats.matches == score.stats.totals);
}

TEST_CASE("bleu: an all-empty hypothesis scores 0", "[eval][bleu]") {
  const auto refs = nmt::read_lines(nmt::test::kBleuTestdata + "ref.test2016.de");
  const auto score = nmt::corpus_bleu(std::vector<std::string>(refs.size()), refs);
  CHECK(score.score == 0.0);
  CHECK(score.brevity_penalty == 0.0);
  CHECK(score.stats.ref_len > 0);
}

TEST_CASE("bleu: trailing whitespace on every line changes nothing", "[eval][bleu]") {
  const auto rows = nmt::test::load_expected_scores();
  REQUIRE(rows.size() >= 2);
  const auto hyps = nmt::read_lines(rows[1].hyp_file);
  const auto refs = nmt::read_lines(rows[1].ref_file);
  auto padded = hyps;
  for (auto& h : padded) h += " \t\u00a0 ";
  const auto plain = nmt::corpus_bleu(hyps, refs), spaced = nmt::corpus_bleu(padded, refs);
  REQUIRE(plain.score > 0.0);
  CHECK(spaced.score == plain.score);
  CHECK(spaced.stats.matches == plain.stats.matches);
  CHECK(spaced.stats.hyp_len == plain.stats.hyp_len);
}

TEST_CASE("bleu: one more matching 4-gram never lowers the score", "[eval][bleu]") {
  // Against "a b c d e f": "a b c c d e" and "a b b c d e" both match 5/6, 4/5, 2/4 of
  // their 1-, 2-, 3-grams, but only the second has a matching 4-gram ("b c d e").
  const BleuStats without = bleu_segment("a b c c d e", "a b c d e f");
  const BleuStats with = bleu_segment("a b b c d e", "a b c d e f");
  BleuStats expected = without;
  expected.matches[3] += 1;
  REQUIRE(with.matches == expected.matches);
  REQUIRE(with.totals == expected.totals);
  CHECK(nmt::compute_bleu(with).score > nmt::compute_bleu(without).score);

  // The same on the statistics of every expected.tsv corpus with an unmatched 4-gram.
  int checked = 0;
  for (const auto& row : nmt::test::load_expected_scores()) {
    const auto stats =
        nmt::corpus_bleu_stats(nmt::read_lines(row.hyp_file), nmt::read_lines(row.ref_file));
    if (stats.matches[3] >= stats.totals[3]) continue;
    BleuStats more = stats;
    more.matches[3] += 1;
    INFO(row.hyp_file);
    CHECK(nmt::compute_bleu(more).score >= nmt::compute_bleu(stats).score);
    ++checked;
  }
  CHECK(checked >= 5);
}

TEST_CASE("bleu: mismatched corpus sizes are an error", "[eval][bleu]") {
  REQUIRE_THROWS_WITH(nmt::corpus_bleu({"a", "b"}, {"a"}),
                      Catch::Contains("2 hypotheses") && Catch::Contains("1 references"));
}
