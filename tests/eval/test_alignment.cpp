// Alignment error rate (Och & Ney 2003) against hand-computed cases, the Pharaoh format, and
// the links attention implies once subwords are merged into words.
#include <catch2/catch.hpp>

#include "common/errors.h"
#include "eval/alignment.h"

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
