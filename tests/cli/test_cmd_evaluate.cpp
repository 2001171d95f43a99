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
using nmt::test::nmt_binary;
using nmt::test::quoted;
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
             Contains("unknown metric 'ter'") && Contains("(expected one of: bleu, chrf, aer)"));
}

namespace {

// Two attention records over single-piece words: line 1 "a b" -> "x y" attends crosswise
// (x to b, y to a); line 2 "c" -> "z w" attends to c twice.
const char* kRecords =
    R"({"line": 1, "source": ["▁a", "▁b", "</s>"], "target": ["▁x", "▁y", "</s>"], )"
    R"("attention": [[0.1, 0.8, 0.1], [0.7, 0.2, 0.1], [0.1, 0.1, 0.8]], "translation": "x y"})"
    "\n"
    R"({"line": 2, "source": ["▁c", "</s>"], "target": ["▁z", "▁w", "</s>"], )"
    R"("attention": [[0.9, 0.1], [0.6, 0.4], [0.2, 0.8]], "translation": "z w"})"
    "\n";

}  // namespace

TEST_CASE("evaluate: AER of attention records against gold alignments", "[cli][evaluate][aer]") {
  nmt::test::TempDir dir;
  const auto records = dir.file("att.jsonl"), gold = dir.file("gold.txt");
  nmt::test::write_text(records, kRecords);
  // Links: 1-0 0-1 | 0-0 0-1. Gold: 1-0 0?1 | 0-0 (the second target word unaligned).
  // |A| = 4, |S| = 2, |A∩S| = 2, |A∩P| = 3: AER = 1 - 5 / 6 = 16.67%.
  nmt::test::write_text(gold, "1-0 0?1\n0-0\n");
  const std::string aer = nmt_binary() + " evaluate --metrics aer --align " + quoted(gold) +
                          " --attention " + quoted(records);
  const auto r = run_command(aer);
  INFO(r.output);
  REQUIRE(r.status == 0);
  CHECK(r.output == "AER = 16.67 (links 4, sure 2, sure hits 2, possible hits 3)\n");
  const auto j = nlohmann::json::parse(run_command("{ " + aer + " --json 2>/dev/null; }").output);
  CHECK(j.at("metrics").at("aer").at("score").get<double>() == Approx(100.0 / 6));

  SECTION("a gold link outside the sentence, or counts that differ, are one-line errors") {
    nmt::test::write_text(gold, "1-0 0?1\n0-2\n");
    const auto outside = run_command(aer);
    CHECK(outside.status != 0);
    CHECK_THAT(outside.output, Contains("nmt: error: " + gold +
                                        ":2: link 0-2 lies outside the "
                                        "sentence of " +
                                        records +
                                        ":2 (1 source and 2 target "
                                        "words)"));
    nmt::test::write_text(gold, "1-0\n");
    const auto fewer = run_command(aer);
    CHECK(fewer.status != 0);
    CHECK_THAT(fewer.output,
               Contains("nmt: error: " + records + " has 2 records but " + gold + " has 1 lines"));
    nmt::test::write_text(gold, "1-0 0x1\n0-0\n");
    CHECK_THAT(run_command(aer).output, Contains(gold + ":1: '0x1' is not a link"));
    const auto without_gold =
        run_command(nmt_binary() + " evaluate --metrics aer --attention " + quoted(records));
    CHECK(without_gold.status != 0);
    CHECK_THAT(without_gold.output, Contains("--metrics aer needs --align GOLD"));
  }
}
