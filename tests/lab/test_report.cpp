// The lab's report from hand-made run results: means and sample standard deviations, the
// difference from the first variant against the seed spread, and what each part shows.
#include <catch2/catch.hpp>
#include <regex>

#include "lab/report.h"

namespace {

nmt::RunResult run(const std::string& variant, int64_t seed, double bleu) {
  nmt::RunResult r;
  r.variant = variant;
  r.seed = seed;
  r.updates = 100;
  r.test_bleu = bleu;
  r.test_chrf = 2 * bleu;
  r.dev_ppl = 5;
  r.tokens_per_second = 1000;
  r.sentences_per_second = 50;
  r.parameters = 1234;
  r.entropy = 0.5;
  r.curve = {{50, bleu / 2}, {100, bleu}};
  return r;
}

nmt::AttentionRecord record(int64_t line) {
  nmt::AttentionRecord r;
  r.line = line;
  r.source = {
      "\xe2\x96\x81"
      "a",
      "</s>"};
  r.target = {
      "\xe2\x96\x81"
      "x",
      "</s>"};
  r.weights = {{0.9f, 0.1f}, {0.2f, 0.8f}};
  return r;
}

// The Markdown table row that starts with `| first |`.
std::string row_of(const std::string& markdown, const std::string& first) {
  const auto at = markdown.find("\n| " + first + " |");
  REQUIRE(at != std::string::npos);
  return markdown.substr(at + 1, markdown.find('\n', at + 1) - at - 1);
}

}  // namespace

TEST_CASE("lab: spread of values by hand", "[lab]") {
  const auto s = nmt::spread_of({1, 2, 3, 4});
  CHECK(s.mean == 2.5);
  CHECK(s.sd == Approx(std::sqrt(5.0 / 3)));  // squares 2.25 + 0.25 + 0.25 + 2.25 over n - 1
  CHECK(s.min == 1);
  CHECK(s.max == 4);
  CHECK(nmt::spread_of({7}).sd == 0);
  CHECK(nmt::spread_of({}).mean == 0);
}

TEST_CASE("lab: the report's summary, runs, curve and pictures", "[lab]") {
  nmt::ReportInput input;
  input.title = "c.yaml";
  input.settings = "budget updates=100";
  input.variants = {nmt::parse_variant("mlp"), nmt::parse_variant("dot:model.attention.type=dot"),
                    nmt::parse_variant("pipe:model.attention.score=a|b")};
  // mlp 30, 32 (range 30-32); dot 29.5, 31 overlaps it; pipe 35, 36 does not.
  input.runs = {run("mlp", 1, 30), run("mlp", 2, 32),  run("dot", 1, 29.5),
                run("dot", 2, 31), run("pipe", 1, 35), run("pipe", 2, 36)};
  input.runs[0].aer = 10;
  input.runs[1].aer = 20;
  input.baselines = nmt::AerBaselines{70, 40};
  input.pictures = {{1, {record(1), record(1), record(1)}}, {3, {record(3), record(3), record(3)}}};
  const auto report = nmt::make_report(input);
  const auto& md = report.markdown;

  CHECK(row_of(md, "mlp") ==
        "| mlp | (the config) | 31.00 ± 1.41 | 62.00 ± 2.83 | - | 5.00 ± 0.00 | 1000 ± 0 | "
        "50.0 ± 0.0 | 1234 | 0.500 ± 0.000 | 15.00 ± 7.07 |");
  CHECK_THAT(row_of(md, "dot"), Catch::Contains("| 30.25 ± 1.06 |") &&
                                    Catch::Contains("| -0.75 (within seed spread) |") &&
                                    Catch::EndsWith("| - |"));  // no AER without gold
  CHECK_THAT(row_of(md, "pipe"), Catch::StartsWith("| pipe | model.attention.score=a\\|b |") &&
                                     Catch::Contains("| +4.50 (beyond seed spread) |"));
  CHECK(row_of(md, "dot | 2") ==
        "| dot | 2 | 100 | 31.00 | 62.00 | 5.00 | 0.00 | 0 | 1000 | 50.0 | 0.500 | - |");
  CHECK_THAT(md, Catch::Contains("uniform 70.00, diagonal 40.00"));
  CHECK_THAT(md, Catch::Contains("![dev BLEU against updates](curve.svg)"));
  CHECK_THAT(md, Catch::Contains("| 3 | ![mlp](pictures/mlp-line-3.svg) | "
                                 "![dot](pictures/dot-line-3.svg) | "
                                 "![pipe](pictures/pipe-line-3.svg) |"));
  REQUIRE(report.pictures.size() == 6);
  CHECK(report.pictures[1].first == "dot-line-1.svg");
  CHECK(report.pictures[1].second.rfind("<svg", 0) == 0);

  // One line per variant, at the mean over seeds: mlp at update 100 is 31, dot 30.25.
  const std::regex polyline("<polyline points=\"([^\"]*)\"");
  std::vector<std::string> lines;
  for (std::sregex_iterator it(report.curve_svg.begin(), report.curve_svg.end(), polyline), end;
       it != end; ++it) {
    lines.push_back((*it)[1]);
  }
  REQUIRE(lines.size() == 3);
  // y = 30 + 300 * (1 - bleu / 40) with the axis topped at 40: 31 -> 97.5, 30.25 -> 103.1.
  CHECK_THAT(lines[0], Catch::EndsWith("540.0,97.5 "));
  CHECK_THAT(lines[1], Catch::EndsWith("540.0,103.1 "));

  // The page holds the same tables, the curve and the pictures inline, escaped.
  CHECK_THAT(report.html, Catch::StartsWith("<!DOCTYPE html>"));
  CHECK_THAT(report.html, Catch::Contains("<td class=\"n\">31.00 ± 1.41</td>"));
  CHECK_THAT(report.html, Catch::Contains(report.curve_svg));
  CHECK_THAT(report.html, Catch::Contains(report.pictures[5].second));
  CHECK_THAT(report.html, Catch::Contains("model.attention.score=a|b"));
}
