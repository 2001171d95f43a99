// Attention records (eval/attention_record.h) read back as written, and `nmt translate
// --attention-out` then `nmt plot-attention` end to end.
#include <catch2/catch.hpp>
#include <filesystem>

#include "common/errors.h"
#include "data/corpus.h"
#include "eval/attention_record.h"
#include "support/run_command.h"
#include "train/train_fixtures.h"

namespace fs = std::filesystem;
using Catch::Contains;
using nmt::test::nmt_binary;
using nmt::test::run_command;

TEST_CASE("attention record: what is written reads back the same", "[eval][attention_record]") {
  nmt::AttentionRecord r;
  r.line = 7;
  r.source = {"▁Ein", "▁\"Mann\"", "\\", "</s>"};
  r.target = {"▁A", "▁man", "</s>"};
  r.weights = {{0.5f, 0.25f, 0.125f, 0.125f}, {0.f, 1.f, 0.f, 0.f}, {0.1f, 0.2f, 0.3f, 0.4f}};
  r.translation = "A \"man\"";
  r.score = -1.5;
  const auto back = nmt::parse_attention_record(nmt::to_json_line(r), "x:1");
  CHECK(back.line == r.line);
  CHECK(back.source == r.source);
  CHECK(back.target == r.target);
  CHECK(back.weights == r.weights);
  CHECK(back.translation == r.translation);
  CHECK(back.score == r.score);

  nmt::AttentionRecord empty;  // an input line with no subwords
  empty.line = 2;
  const auto empty_back = nmt::parse_attention_record(nmt::to_json_line(empty), "x:2");
  CHECK(empty_back.line == 2);
  CHECK(empty_back.source.empty());
  CHECK(empty_back.weights.empty());
  CHECK_FALSE(empty_back.score.has_value());
}

TEST_CASE("attention record: a malformed line is an error naming it", "[eval][attention_record]") {
  const auto error = [](const std::string& text) {
    try {
      nmt::parse_attention_record(text, "att.jsonl:4");
    } catch (const nmt::DataError& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  CHECK_THAT(error("{not json"), Contains("att.jsonl:4: not an attention record"));
  CHECK_THAT(error(R"({"line": 1, "source": ["a"], "target": ["b"]})"),
             Contains("att.jsonl:4: not an attention record"));
  CHECK_THAT(error(R"({"line": 1, "source": ["a", "b"], "target": ["c"], "attention": [[1]]})"),
             Contains("att.jsonl:4: \"attention\" must have one row per target piece (1), each "
                      "with one weight per source piece (2)"));
  CHECK_THAT(error(R"({"line": -3, "source": [], "target": [], "attention": []})"),
             Contains("\"line\" must be >= 0"));
}

TEST_CASE("plot-attention: translate --attention-out, then one SVG per translated line",
          "[cli][plot_attention]") {
  nmt::test::TempDir dir;
  const auto model = nmt::test::train_tiny_model(dir);
  nmt::test::write_text(dir.file("in.txt"), "red dog cat\n\nsun tree\n");
  const auto t = run_command(nmt_binary() + " translate --model '" + model + "' --input '" +
                             dir.file("in.txt") + "' --output '" + dir.file("out.txt") +
                             "' --attention-out '" + dir.file("att.jsonl") + "'");
  INFO(t.output);
  REQUIRE(t.status == 0);

  // The records are what translate wrote: weights rows sum to 1 over the source pieces.
  const auto lines = nmt::read_lines(dir.file("att.jsonl"));
  REQUIRE(lines.size() == 3);
  const auto first = nmt::parse_attention_record(lines[0], "att.jsonl:1");
  CHECK(first.line == 1);
  CHECK(first.source.back() == "</s>");
  REQUIRE_FALSE(first.weights.empty());
  for (const auto& row : first.weights) {
    double sum = 0;
    for (float w : row) sum += w;
    CHECK(sum == Approx(1.0).epsilon(1e-5));
  }
  CHECK(first.translation == nmt::read_lines(dir.file("out.txt"))[0]);

  const auto plot =
      nmt_binary() + " plot-attention --input '" + dir.file("att.jsonl") + "' --out '";
  const auto all = run_command(plot + dir.file("all") + "'");
  INFO(all.output);
  REQUIRE(all.status == 0);
  CHECK(fs::is_regular_file(dir.file("all/line-0001.svg")));
  CHECK_FALSE(fs::exists(dir.file("all/line-0002.svg")));  // an empty line: nothing to draw
  CHECK(fs::is_regular_file(dir.file("all/line-0003.svg")));
  CHECK_THAT(all.output, Contains(dir.file("all/line-0003.svg")));
  const auto svg = nmt::test::read_text(dir.file("all/line-0001.svg"));
  CHECK(svg.rfind("<svg", 0) == 0);
  CHECK_THAT(svg, Contains("line 1 (score "));
  CHECK_THAT(svg, Contains("&lt;/s&gt;"));  // the source's end, XML-escaped

  const auto some = run_command(plot + dir.file("some") + "' --lines 3");
  REQUIRE(some.status == 0);
  CHECK(fs::is_regular_file(dir.file("some/line-0003.svg")));
  CHECK_FALSE(fs::exists(dir.file("some/line-0001.svg")));

  const auto missing = run_command(plot + dir.file("none") + "' --lines 9");
  CHECK(missing.status != 0);
  CHECK_THAT(missing.output, Contains("has no record for line 9"));
}
