// `nmt translate` as a user runs it: one line out per line in (empty, very long and
// space-only lines included), n-best output, attention records, and bad input.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "data/corpus.h"
#include "support/run_command.h"
#include "train/train_fixtures.h"

using nmt::test::nmt_binary;
using nmt::test::run_command;

using nmt::test::train_tiny_model;

TEST_CASE("translate: one line out per line in, in order", "[decode][translate]") {
  nmt::test::TempDir dir;
  const auto model = train_tiny_model(dir);
  std::string long_line;
  for (int i = 0; i < 400; ++i) long_line += i % 2 ? "red " : "dog ";
  nmt::test::write_text(dir.file("in.txt"),
                        "red dog\n\n   \n" + long_line + "\ncat sun tree\n\nboat");  // no final \n
  const auto translate = nmt_binary() + " translate --model '" + model + "' --input '" +
                         dir.file("in.txt") + "'";

  const auto r = run_command(translate + " --beam 3 --output '" + dir.file("out.txt") +
                             "' --attention-out '" + dir.file("att.jsonl") + "'");
  INFO(r.output);
  REQUIRE(r.status == 0);
  const auto out = nmt::read_lines(dir.file("out.txt"));
  REQUIRE(out.size() == 7);
  CHECK(out[1].empty());
  CHECK(out[5].empty());

  const auto records = nmt::read_lines(dir.file("att.jsonl"));
  REQUIRE(records.size() == 7);
  for (size_t i = 0; i < records.size(); ++i) {
    const auto j = nlohmann::json::parse(records[i]);
    CHECK(j["line"] == i + 1);
    CHECK(j["attention"].size() == j["target"].size());
    for (const auto& row : j["attention"]) CHECK(row.size() == j["source"].size());
    CHECK(j["translation"] == out[i]);
  }
  CHECK(nlohmann::json::parse(records[0])["source"].back() == "</s>");

  SECTION("n-best lists: N lines per input, `line ||| text ||| score`, best first") {
    const auto nbest = run_command(translate + " --beam 4 --nbest 3 --output '" +
                                   dir.file("nbest.txt") + "'");
    REQUIRE(nbest.status == 0);
    const auto lines = nmt::read_lines(dir.file("nbest.txt"));
    int for_first = 0;
    double previous = 1e9;
    for (const auto& l : lines) {
      if (l.rfind("0 ||| ", 0) != 0) continue;
      ++for_first;
      const double score = std::stod(l.substr(l.rfind("||| ") + 4));
      CHECK(score <= previous);
      previous = score;
    }
    CHECK(for_first == 3);
  }
}

TEST_CASE("translate: invalid UTF-8 and a missing model are one-line errors",
          "[decode][translate]") {
  nmt::test::TempDir dir;
  const auto model = train_tiny_model(dir);
  nmt::test::write_text(dir.file("bad.txt"), "red dog\ncat \xC3\x28\n");
  const auto bad = run_command(nmt_binary() + " translate --model '" + model + "' --input '" +
                               dir.file("bad.txt") + "'");
  CHECK(bad.status != 0);
  CHECK_THAT(bad.output, Catch::Contains(dir.file("bad.txt") + ":2: invalid UTF-8"));

  const auto missing = run_command(nmt_binary() + " translate --model '" + dir.file("none") + "'");
  CHECK(missing.status != 0);
  CHECK_THAT(missing.output, Catch::Contains("nmt: error: --model: no checkpoint in"));
}
