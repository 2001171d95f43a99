// Alignment error rate (Och & Ney 2003) against hand-computed cases, the Pharaoh format, and
// the links attention implies once subwords are merged into words; the lab's attention entropy.
#include <catch2/catch.hpp>
#include <cmath>

#include "common/errors.h"
#include "eval/alignment.h"
#include "eval/attention_record.h"

using nmt::GoldAlignment;
using nmt::Links;

TEST_CASE("alignment: Pharaoh links, sure and possible", "[eval][alignment]") {
  const auto gold = nmt::parse_pharaoh("0-0 1?1  2-2\t3?0", "gold:1");
  REQUIRE(gold.sure == Links{{0, 0}, {2, 2}});
  REQUIRE(gold.possible == Links{{0, 0}, {1, 1}, {2, 2}, {3, 0}});
  REQUIRE(nmt::parse_pharaoh("", "gold:2").possible.empty());
  for (const char* bad : {"0-x", "1:2", "-1-2", "3-", "0-1-2"}) {
    CAPTURE(bad);
    REQUIRE_THROWS_WITH(nmt::parse_pharaoh(std::string("0-0 ") + bad, "gold:7"),
                        "gold:7: '" + std::string(bad) +
                            "' is not a link (expected i-j for sure, i?j for possible)");
  }
}

TEST_CASE("alignment: AER by hand, with possible links and unaligned words", "[eval][alignment]") {
  // S = {0-0, 2-2}, P = S + {1-1}; target word 3 has no gold link at all.
  const auto gold = nmt::parse_pharaoh("0-0 1?1 2-2", "gold:1");
  // A = {0-0, 1-1, 1-2, 0-3}: |A| = 4, |S| = 2, |A∩S| = 1 (0-0), |A∩P| = 2 (0-0, 1-1);
  // AER = 1 - (1 + 2) / (4 + 2) = 0.5.
  const auto counts = nmt::count_alignment({{0, 0}, {1, 1}, {1, 2}, {0, 3}}, gold);
  REQUIRE(counts.links == 4);
  REQUIRE(counts.sure == 2);
  REQUIRE(counts.sure_hits == 1);
  REQUIRE(counts.possible_hits == 2);
  REQUIRE(counts.aer() == Approx(0.5));
  // Only the sure links proposed: AER 0. Only possible ones: 1 - 1 / (1 + 2).
  REQUIRE(nmt::count_alignment(gold.sure, gold).aer() == 0);
  REQUIRE(nmt::count_alignment({{1, 1}}, gold).aer() == Approx(1 - 1.0 / 3));
  // Over a corpus the counts add up before the ratio: (1 + 2 + 2 + 2) / (4 + 2 + 2 + 2).
  auto corpus = counts;
  corpus += nmt::count_alignment(gold.sure, gold);
  REQUIRE(corpus.aer() == Approx(1 - 7.0 / 10));
  REQUIRE(nmt::AerCounts{}.aer() == 0);
}

TEST_CASE("alignment: subword attention merged into words", "[eval][alignment]") {
  REQUIRE(nmt::words_of_pieces({"\xe2\x96\x81Tues", "day",
                                "\xe2\x96\x81"
                                "5",
                                "</s>"}) == std::vector<int64_t>{0, 0, 1, -1});
  REQUIRE(nmt::words_of_pieces({"day",
                                "\xe2\x96\x81"
                                "5"}) == std::vector<int64_t>{0, 1});
  nmt::AttentionRecord record;
  record.source = {"\xe2\x96\x81Tues", "day",
                   "\xe2\x96\x81"
                   "5",
                   "</s>"};  // words 0 0 1 -
  record.target = {
      "\xe2\x96\x81"
      "Diens",
      "tag",
      "\xe2\x96\x81"
      "5.",
      "</s>"};
  record.weights = {
      // "▁Diens": the single piece with most weight is "▁5" (0.35), but "Tuesday" has 0.6.
      {0.3F, 0.3F, 0.35F, 0.05F},
      {0.5F, 0.3F, 0.1F, 0.1F},  // "tag": Tuesday 0.8; the word Dienstag: Tuesday 1.4, 5 0.45
      // "▁5.": the piece "▁5" ties with </s> at 0.3, but Tuesday's two pieces hold 0.4.
      {0.2F, 0.2F, 0.3F, 0.3F},
      {0.1F, 0.1F, 0.1F, 0.7F},  // </s> is no word: no link
  };
  const auto links = nmt::attention_links(record);
  REQUIRE(links == Links{{0, 0}, {0, 1}});
  // Against gold 0-0 1-1: |A| = 2, |S| = 2, one hit: AER = 1 - 2 / 4.
  REQUIRE(nmt::count_alignment(links, nmt::parse_pharaoh("0-0 1-1", "g:1")).aer() == Approx(0.5));
  // An empty translation links nothing.
  nmt::AttentionRecord empty;
  empty.source = {"</s>"};
  REQUIRE(nmt::attention_links(empty).empty());
}

TEST_CASE("alignment: corpus AER sums the counts of every line", "[eval][alignment]") {
  // Line 1: "▁a ▁b" -> "▁x ▁y", attention crossed: links 1-0, 0-1 against gold 0-1 1-0: all hit.
  // Line 2: "▁a ▁b" -> "▁x", attention on word 0; gold 1-0 sure: a miss.
  nmt::AttentionRecord crossed;
  crossed.line = 1;
  crossed.source = {
      "\xe2\x96\x81"
      "a",
      "\xe2\x96\x81"
      "b",
      "</s>"};
  crossed.target = {
      "\xe2\x96\x81"
      "x",
      "\xe2\x96\x81"
      "y",
      "</s>"};
  crossed.weights = {{0.1f, 0.8f, 0.1f}, {0.7f, 0.2f, 0.1f}, {0, 0, 1}};
  nmt::AttentionRecord missed = crossed;
  missed.line = 2;
  missed.target = {
      "\xe2\x96\x81"
      "x",
      "</s>"};
  missed.weights = {{0.6f, 0.3f, 0.1f}, {0, 0, 1}};
  const std::vector<nmt::AttentionFileRecord> records = {{missed, "a:2"}, {crossed, "a:1"}};
  // |A| = 3, |S| = 3, |A∩S| = 2, |A∩P| = 2: AER = 1 - 4/6.
  const auto counts = nmt::corpus_aer(records, {"0-1 1-0", "1-0"}, "gold");
  CHECK(counts.links == 3);
  CHECK(counts.sure == 3);
  CHECK(counts.sure_hits == 2);
  CHECK(counts.aer() == Approx(1.0 - 4.0 / 6.0));
  CHECK_THROWS_WITH(nmt::corpus_aer(records, {"0-1 1-0"}, "gold"),
                    "a has 2 records but gold has 1 lines (one gold alignment per translated "
                    "line)");
  CHECK_THROWS_WITH(nmt::corpus_aer({{crossed, "a:1"}, {crossed, "a:2"}}, {"", ""}, "gold"),
                    "a:2: line 1 appears twice");
  CHECK_THROWS_WITH(nmt::corpus_aer(records, {"0-1 1-0", "2-0"}, "gold"),
                    Catch::StartsWith("gold:2: link 2-0 lies outside the sentence of a:2"));
}

TEST_CASE("alignment: the uniform and diagonal baselines", "[eval][alignment]") {
  nmt::AttentionRecord r;
  // Source words: "▁ab" "c" (word 0, two pieces), "▁d" (word 1); target: 5 pieces, 4 words.
  r.source = {
      "\xe2\x96\x81"
      "ab",
      "c",
      "\xe2\x96\x81"
      "d"};
  r.target = {
      "\xe2\x96\x81"
      "w",
      "\xe2\x96\x81"
      "x",
      "\xe2\x96\x81"
      "y",
      "\xe2\x96\x81"
      "z",
      "</s>"};
  r.weights.assign(5, std::vector<float>(3, 0.0f));
  const auto uniform = nmt::uniform_attention(r);
  for (const auto& row : uniform.weights) CHECK(row == std::vector<float>(3, 1.0f / 3));
  // Word 0 has two of the three pieces: every target word links to it.
  CHECK(nmt::attention_links(uniform) == Links{{0, 0}, {0, 1}, {0, 2}, {0, 3}});
  // Piece t of 5 on source piece round(t * 2 / 4): 0, 1 (0.5 rounds up), 1, 2 (1.5), 2.
  const auto diagonal = nmt::diagonal_attention(r);
  const std::vector<std::vector<float>> expected = {
      {1, 0, 0}, {0, 1, 0}, {0, 1, 0}, {0, 0, 1}, {0, 0, 1}};
  CHECK(diagonal.weights == expected);
  CHECK(nmt::attention_links(diagonal) == Links{{0, 0}, {0, 1}, {0, 2}, {1, 3}});
  r.weights = {{}};
  r.source.clear();
  CHECK(nmt::diagonal_attention(r).weights == std::vector<std::vector<float>>{{}});
}

TEST_CASE("attention entropy: by hand, one-hot rows 0 and uniform rows ln S",
          "[eval][attention][lab]") {
  nmt::AttentionRecord sharp, spread;
  sharp.weights = {{1, 0, 0}, {0, 0, 1}};  // entropy 0 and 0
  spread.weights = {{0.5F, 0.5F}, {0.25F, 0.25F}, {0.25F, 0.75F}};
  // Rows: ln 2; 2 x (-0.25 ln 0.25) = 0.5 ln 4 = ln 2 (weights need not sum to 1); and
  // -(0.25 ln 0.25 + 0.75 ln 0.75).
  const double third = -(0.25 * std::log(0.25) + 0.75 * std::log(0.75));
  CHECK(nmt::mean_attention_entropy({sharp}) == Approx(0).margin(1e-12));
  CHECK(nmt::mean_attention_entropy({spread}) ==
        Approx((std::log(2.0) + std::log(2.0) + third) / 3));
  // The mean is over rows, not over records.
  CHECK(nmt::mean_attention_entropy({sharp, spread}) == Approx((2 * std::log(2.0) + third) / 5));
  CHECK(nmt::mean_attention_entropy({}) == 0);
}
