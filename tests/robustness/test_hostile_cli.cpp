// Hostile command lines: option values out of range, truncated gzip input, standard output
// that cannot be written. Each is one `nmt: error:` line and a non-zero exit.
#include <catch2/catch.hpp>
#include <string>

#include "support/one_line_error.h"
#include "train/train_fixtures.h"

using Catch::Contains;
using nmt::test::quoted;
using nmt::test::require_one_line_error;
using nmt::test::run_command;
using nmt::test::run_nmt;
using nmt::test::snapshot;
using nmt::test::TempDir;
using nmt::test::write_text;

namespace {

// nmt::test::train_tiny_model's model, and an input file dir/in.txt.
std::string tiny_model_and_input(const TempDir& dir) {
  const auto model = nmt::test::train_tiny_model(dir);
  write_text(dir.file("in.txt"), "red dog\ncat sun tree\n");
  return model;
}

// A gzip file of `lines` numbered lines cut to half its size.
void write_truncated_gzip(const std::string& path, int lines) {
  std::string text;
  for (int i = 0; i < lines; ++i) text += "line " + std::to_string(i) + "\n";
  write_text(path + ".txt", text);
  REQUIRE(run_command("gzip -c " + quoted(path + ".txt") + " > " + quoted(path)).status == 0);
  const auto size = std::filesystem::file_size(path);
  std::filesystem::resize_file(path, size / 2);
}

}  // namespace

TEST_CASE("robustness: translate options out of range name the option", "[robustness][translate]") {
  TempDir dir;
  const auto model = tiny_model_and_input(dir);
  write_text(dir.file("out.txt"), "previous output\n");
  const auto translate = "translate --model " + quoted(model) + " --input " +
                         quoted(dir.file("in.txt")) + " --output " + quoted(dir.file("out.txt"));
  // One process per case, so one worst value per bound (each was accepted, or crashed, before).
  const std::pair<std::string, std::string> cases[] = {
      {"--beam 99999999999999", "--beam"},
      {"--beam 4 --nbest 5", "--nbest"},
      {"--batch-size 99999999999", "--batch-size"},
      {"--max-len-a inf", "--max-len-a"},
      {"--max-len-b -5", "--max-len-b"},
      {"--alpha nan", "--alpha"},
      {"--alpha 1e400", "--alpha"},
      {"--threads -1", "--threads"},
      {"--threads 100000", "--threads"},
  };
  const auto before = snapshot(dir.path());
  for (const auto& [options, option] : cases) {
    INFO(options);
    const auto line = require_one_line_error(run_nmt(translate + " " + options));
    CHECK_THAT(line, Contains(option));
  }
  CHECK(snapshot(dir.path()) == before);
}

TEST_CASE("robustness: a truncated .gz input is refused naming it",
          "[robustness][evaluate][translate]") {
  TempDir dir;
  write_truncated_gzip(dir.file("ref.gz"), 20000);
  const auto line = require_one_line_error(run_nmt("evaluate --ref " + quoted(dir.file("ref.gz")) +
                                                   " --hyp " + quoted(dir.file("ref.gz.txt"))));
  CHECK_THAT(line, Contains(dir.file("ref.gz")) && Contains("truncated"));
}

TEST_CASE("robustness: a closed standard output is an error", "[robustness][evaluate]") {
  TempDir dir;
  write_text(dir.file("ref.txt"), "a small test\n");
  const auto evaluate =
      "evaluate --ref " + quoted(dir.file("ref.txt")) + " --hyp " + quoted(dir.file("ref.txt"));
  const auto line = require_one_line_error(run_nmt(evaluate + " >&-"));
  CHECK_THAT(line, Contains("standard output") && Contains("Bad file descriptor"));
}

// [needs_dev_full]: a ctest entry of its own, skipped where there is no /dev/full (CMakeLists.txt).
TEST_CASE("robustness: a full standard output is an error",
          "[robustness][evaluate][needs_dev_full]") {
  TempDir dir;
  write_text(dir.file("ref.txt"), "a small test\n");
  const auto evaluate =
      "evaluate --ref " + quoted(dir.file("ref.txt")) + " --hyp " + quoted(dir.file("ref.txt"));
  REQUIRE(std::filesystem::is_character_file("/dev/full"));
  const auto line = require_one_line_error(run_nmt(evaluate + " > /dev/full"));
  CHECK_THAT(line, Contains("standard output") && Contains("No space left on device"));
  const auto help = require_one_line_error(run_nmt("evaluate --help > /dev/full"));
  CHECK_THAT(help, Contains("standard output") && Contains("No space left on device"));
}
