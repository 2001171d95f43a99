// Teacher forcing (Translator::force) and `nmt align`: the model reading a given translation
// must give the scores and attention search recorded when it chose that translation itself.
#include <torch/torch.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <sstream>

#include "data/corpus.h"
#include "decode/translator.h"
#include "eval/alignment.h"
#include "support/one_line_error.h"
#include "train/train_fixtures.h"

using nmt::test::run_command;
using nmt::test::train_tiny_model;

TEST_CASE("force: reading its own greedy output gives greedy search's score and attention",
          "[decode][force]") {
  nmt::test::TempDir dir;
  const auto model = train_tiny_model(dir);
  nmt::Translator translator(model);
  const std::vector<std::string> lines = {"red dog", "cat sun tree boat", "blue", "car car red"};
  nmt::SearchOptions greedy;
  greedy.alpha = 0;  // scores are plain sums of log-probs, as force's are
  const auto searched = translator.translate(lines, greedy, 3);
  std::vector<std::string> outputs;
  for (const auto& t : searched) outputs.push_back(t.texts.front());
  const auto forced = translator.force(lines, outputs, 4);  // one batch, padded rows
  REQUIRE(forced.size() == lines.size());
  size_t longest_source = 0, longest_target = 0;
  for (const auto& t : forced) {
    longest_source = std::max(longest_source, t.source_pieces.size());
    longest_target = std::max(longest_target, t.target_pieces.front().size());
  }
  int compared = 0, padded = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    INFO("line " << i << ": " << outputs[i]);
    const auto& s = searched[i].hypotheses.front();
    const auto& f = forced[i].hypotheses.front();
    CHECK(forced[i].source_pieces == searched[i].source_pieces);
    if (!s.complete || f.ids != s.ids) continue;  // cut at the length limit, or re-encoded other
    ++compared;
    padded += forced[i].source_pieces.size() < longest_source ||
              forced[i].target_pieces.front().size() < longest_target;
    CHECK(forced[i].target_pieces.front() == searched[i].target_pieces.front());
    CHECK(f.score == Approx(s.score).epsilon(1e-5));
    REQUIRE(f.attention.sizes() == s.attention.sizes());
    CHECK(torch::allclose(f.attention, s.attention, 1e-4, 1e-5));
  }
  CHECK(compared >= 2);
  CHECK(padded >= 1);  // the padding of a row in a longer batch is cut off
}

TEST_CASE("force: an empty source gives no hypothesis, and line counts must agree",
          "[decode][force]") {
  nmt::test::TempDir dir;
  const auto model = train_tiny_model(dir);
  nmt::Translator translator(model);
  const auto forced = translator.force({"red dog", ""}, {"dog red", "cat"}, 8);
  REQUIRE(forced.size() == 2);
  const double score = forced[0].hypotheses.front().score;  // log of a probability below 1
  CHECK(score < 0);
  CHECK(std::isfinite(score));
  CHECK(forced[0].hypotheses.front().complete);
  CHECK(forced[0].hypotheses.front().attention.size(0) ==
        static_cast<int64_t>(forced[0].target_pieces.front().size()));
  CHECK(forced[1].hypotheses.empty());  // no source to read, as translate leaves it
  CHECK_THROWS_WITH(translator.force({"a", "b"}, {"a"}, 8),
                    Catch::Contains("2 lines and the reference 1"));
}

TEST_CASE("align: one Pharaoh line per pair, every target word linked once", "[decode][align]") {
  nmt::test::TempDir dir;
  const auto model = train_tiny_model(dir);
  nmt::test::write_text(dir.file("src.txt"), "red dog cat\nblue\n\nsun tree\n");
  nmt::test::write_text(dir.file("trg.txt"), "cat dog red\nblue blue\nred\ntree sun\n");
  const auto align = "align --model '" + model + "' --input '" + dir.file("src.txt") +
                     "' --reference '" + dir.file("trg.txt") + "'";
  const auto r = nmt::test::run_nmt(align + " --attention-out '" + dir.file("a.jsonl") + "'");
  INFO(r.output);
  REQUIRE(r.status == 0);
  std::istringstream out(r.output);
  std::vector<std::string> lines;
  for (std::string line; std::getline(out, line);) {
    if (line.find(" info ") == std::string::npos) lines.push_back(line);
  }
  const std::vector<int64_t> source_words = {3, 1, 0, 2}, target_words = {3, 2, 1, 2};
  REQUIRE(lines.size() == 4);
  for (size_t i = 0; i < lines.size(); ++i) {
    INFO(lines[i]);
    const auto links = nmt::parse_pharaoh(lines[i], "output").sure;
    if (source_words[i] == 0) {
      CHECK(links.empty());
      continue;
    }
    CHECK(static_cast<int64_t>(links.size()) == target_words[i]);
    std::set<int64_t> targets;
    for (const auto& [s, t] : links) {
      CHECK(s < source_words[i]);
      targets.insert(t);
    }
    CHECK(static_cast<int64_t>(targets.size()) == target_words[i]);
  }
  // The records give the same links through `nmt evaluate --metrics aer`: against its own
  // output as gold, AER is 0.
  nmt::test::write_text(dir.file("gold.txt"),
                        lines[0] + "\n" + lines[1] + "\n\n" + lines[3] + "\n");
  const auto aer = nmt::test::run_nmt("evaluate --metrics aer --align '" + dir.file("gold.txt") +
                                      "' --attention '" + dir.file("a.jsonl") + "'");
  INFO(aer.output);
  CHECK(aer.status == 0);
  CHECK_THAT(aer.output, Catch::Contains("AER = 0.00"));

  nmt::test::write_text(dir.file("short.txt"), "red\n");
  const auto error = nmt::test::require_one_line_error(
      nmt::test::run_nmt("align --model '" + model + "' --input '" + dir.file("src.txt") +
                         "' --reference '" + dir.file("short.txt") + "'"));
  CHECK_THAT(error, Catch::Contains("short.txt has 1 lines") && Catch::Contains("src.txt has 4"));
}
