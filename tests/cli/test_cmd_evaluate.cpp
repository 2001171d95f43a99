// `nmt evaluate` end to end: sacreBLEU's lines for an expected.tsv row, JSON with the raw
// statistics, standard input, and one-line errors that name the files and lines.
#include <catch2/catch.hpp>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "eval/bleu.h"
#include "eval/chrf.h"
#include "eval/expected_scores.h"
#include "support/run_command.h"
#include "support/temp_dir.h"

using Catch::Contains;
using nmt::test::quoted;
using nmt::test::nmt_binary;
using nmt::test::run_command;

namespace {

const nmt::test::ExpectedScores& drop15_row() {
  static const auto rows = nmt::test::load_expected_scores();
  REQUIRE(rows.size() >= 2);
  return rows[1];
}

}  // namespace

TEST_CASE("evaluate: prints sacreBLEU's lines with their signatures", "[cli][evaluate]") {
  const auto& row = drop15_row();
  const auto r = run_command(nmt_binary() + " evaluate --ref " + quoted(row.ref_file) + " --hyp " +
                             quoted(row.hyp_file));
  INFO(r.output);
  REQUIRE(r.status == 0);
  char chrf[64];
  std::snprintf(chrf, sizeof chrf, "chrF2 = %.2f", row.chrf2);
  CHECK(r.output == row.bleu_text + "  " + std::string(nmt::kBleuSignature) + "\n" + chrf + "  " +
                        std::string(nmt::kChrfSignature) + "\n");

  const auto from_stdin =
      run_command("cat " + quoted(row.hyp_file) + " | " + nmt_binary() +
                  " evaluate --metrics chrf,bleu --ref " + quoted(row.ref_file));
  CHECK(from_stdin.status == 0);
  CHECK(from_stdin.output == std::string(chrf) + "  " + std::string(nmt::kChrfSignature) + "\n" +
                                 row.bleu_text + "  " + std::string(nmt::kBleuSignature) + "\n");
}

TEST_CASE("evaluate: --json has full-precision scores and n-gram statistics", "[cli][evaluate]") {
  const auto& row = drop15_row();
  // Only standard output: it must be JSON alone.
  const auto r =
      run_command("{ " + nmt_binary() + " evaluate --json --ref " + quoted(row.ref_file) +
                  " --hyp " + quoted(row.hyp_file) + " 2>/dev/null; }");
  REQUIRE(r.status == 0);
  const auto j = nlohmann::json::parse(r.output);
  CHECK(j.at("segments") == 1000);
  const auto& bleu = j.at("metrics").at("bleu");
  CHECK(bleu.at("score").get<double>() == Approx(row.bleu).margin(1e-4));
  CHECK(bleu.at("text") == row.bleu_text);
  CHECK(bleu.at("matches").size() == 4);
  CHECK(bleu.at("totals").at(0) == bleu.at("hyp_len"));
  const auto& chrf = j.at("metrics").at("chrf");
  CHECK(chrf.at("score").get<double>() == Approx(row.chrf2).margin(1e-4));
  CHECK(chrf.at("hyp_ngrams").size() == 6);
  CHECK(chrf.at("signature") == std::string(nmt::kChrfSignature));
}

TEST_CASE("evaluate: a line-count mismatch names both files and counts", "[cli][evaluate]") {
  nmt::test::TempDir dir;
  const auto hyp = dir.file("short.txt");
  nmt::test::write_text(hyp, "a\nb\nc\n");
  const auto& row = drop15_row();
  const auto r = run_command(nmt_binary() + " evaluate --ref " + quoted(row.ref_file) + " --hyp " +
                             quoted(hyp));
  CHECK(r.status != 0);
  CHECK_THAT(r.output, Contains("nmt: error: evaluate: " + hyp + " has 3 lines but " +
                                row.ref_file + " has 1000"));
}

TEST_CASE("evaluate: invalid UTF-8 is an error naming the file and line", "[cli][evaluate]") {
  nmt::test::TempDir dir;
  const auto hyp = dir.file("bad.txt"), ref = dir.file("ref.txt");
  nmt::test::write_text(hyp, "ok\n\xff\xfe\n");
  nmt::test::write_text(ref, "ok\nok\n");
  const auto r =
      run_command(nmt_binary() + " evaluate --ref " + quoted(ref) + " --hyp " + quoted(hyp));
  CHECK(r.status != 0);
  CHECK_THAT(r.output, Contains(hyp + ":2"));
}

TEST_CASE("evaluate: an unknown metric lists the valid ones", "[cli][evaluate]") {
  const auto& row = drop15_row();
  const auto r = run_command(nmt_binary() + " evaluate --metrics bleu,ter --ref " +
                             quoted(row.ref_file) + " --hyp " + quoted(row.hyp_file));
  CHECK(r.status != 0);
  CHECK_THAT(r.output,
             Contains("unknown metric 'ter'") && Contains("(expected one of: bleu, chrf)"));
}
