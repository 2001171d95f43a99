// `nmt translate` reads and writes a chunk at a time: the output of many chunks is what one
// call of the library gives for the whole input, its peak memory does not grow with the
// input, and --progress reports how far it is.
#include <catch2/catch.hpp>
#include <random>
#include <string>
#include <vector>

#include "decode/translator.h"
#include "support/run_command.h"
#include "train/train_fixtures.h"

using nmt::test::nmt_binary;
using nmt::test::run_command;

namespace {

// `count` lines of 1 to 8 of the tiny corpus's words.
std::vector<std::string> generated_lines(int count) {
  static const char* words[] = {"red", "blue", "cat", "dog", "sun", "tree", "car", "boat"};
  std::mt19937 rng(11);
  std::uniform_int_distribution<int> pick(0, 7), length(1, 8);
  std::vector<std::string> lines;
  for (int i = 0; i < count; ++i) {
    std::string line;
    for (int k = length(rng); k > 0; --k)
      line += std::string(line.empty() ? "" : " ") + words[pick(rng)];
    lines.push_back(line);
  }
  return lines;
}

void write_lines(const std::string& path, const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& line : lines) text += line + "\n";
  nmt::test::write_text(path, text);
}

// Peak resident memory (KiB) of `command`, by GNU time.
long peak_kib(const nmt::test::TempDir& dir, const std::string& command) {
  const auto r = run_command("/usr/bin/time -f %M -o '" + dir.file("rss") + "' " + command);
  INFO(r.output);
  REQUIRE(r.status == 0);
  return std::stol(nmt::test::read_text(dir.file("rss")));
}

}  // namespace

TEST_CASE("translate: many chunks give the output of one call, in order", "[decode][translate]") {
  nmt::test::TempDir dir;
  const auto model = nmt::test::train_tiny_model(dir);
  const auto lines = generated_lines(1000);
  write_lines(dir.file("in.txt"), lines);
  // One sentence per batch, so that every sentence is searched alone in both; one worker:
  // chunks of 16 lines, 63 of them.
  const auto r =
      run_command(nmt_binary() + " translate --model '" + model +
                  "' --beam 2 --batch-size 1 --workers 1 --precision fp32 --progress --input '" +
                  dir.file("in.txt") + "' --output '" + dir.file("out.txt") + "'");
  INFO(r.output);
  REQUIRE(r.status == 0);

  nmt::Translator translator(model);
  nmt::SearchOptions search;
  search.beam = 2;
  search.attention = false;
  std::string expected;
  for (const auto& t : translator.translate(lines, search, 1)) expected += t.texts.front() + "\n";
  CHECK(nmt::test::read_text(dir.file("out.txt")) == expected);
  // --progress: a line per chunk, with the total known for a plain file.
  CHECK_THAT(r.output, Catch::Contains("[translate] 16 sentences of 1000, ") &&
                           Catch::Contains("[translate] 1000 sentences of 1000, ") &&
                           Catch::Contains(" left"));
}

TEST_CASE("translate: peak memory does not grow with the input", "[decode][translate]") {
  nmt::test::TempDir dir;
  const auto model = nmt::test::train_tiny_model(dir);
  auto lines = generated_lines(20000);
  write_lines(dir.file("small.txt"), lines);
  for (int copy = 1; copy < 10; ++copy) {
    lines.insert(lines.end(), lines.begin(), lines.begin() + 20000);
  }
  write_lines(dir.file("large.txt"), lines);  // 200,000 lines, ~5 MB
  const auto translate = nmt_binary() + " translate --model '" + model +
                         "' --beam 1 --max-len-a 0 --max-len-b 1 --batch-size 256 --workers 1 "
                         "--precision fp32 --output /dev/null --input ";
  const auto small = peak_kib(dir, translate + "'" + dir.file("small.txt") + "'");
  const auto large = peak_kib(dir, translate + "'" + dir.file("large.txt") + "'");
  CAPTURE(small, large);
  // Held whole, the input and its translations (pieces, hypotheses) of ten times as many
  // lines would take well over 100 MB more; read and written in chunks, the same. (In fp32:
  // int8 adds oneDNN's primitive cache, which grows to its bound of 1,024 primitives with
  // the inputs' distinct quantization scales, ~25 MB here.)
  CHECK(large < small + 20 * 1024);
}
