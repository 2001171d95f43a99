// Searching with several workers (`nmt translate --workers N`): the same batches, searched on N
// threads at once, give the translations of one worker, line for line and in input order.
#include <catch2/catch.hpp>
#include <cstdio>
#include <random>

#include "api/search_threads.h"
#include "common/precision.h"
#include "data/corpus.h"
#include "decode/translator.h"
#include "model/cpu_autocast.h"
#include "support/one_line_error.h"
#include "train/train_fixtures.h"

using nmt::test::train_tiny_model;

namespace {

std::vector<std::string> random_lines(int count) {
  static const char* words[] = {"red", "blue", "cat", "dog", "sun", "tree", "car", "boat"};
  std::mt19937 rng(11);
  std::uniform_int_distribution<int> pick(0, 7), len(1, 9);
  std::vector<std::string> lines;
  for (int i = 0; i < count; ++i) {
    std::string line;
    for (int k = len(rng); k > 0; --k) line += std::string(words[pick(rng)]) + (k > 1 ? " " : "");
    lines.push_back(line);
  }
  lines.insert(lines.begin() + 7, "");  // an empty line keeps its place
  return lines;
}

}  // namespace

TEST_CASE("translate: N workers give the translations of one worker", "[decode][workers]") {
  nmt::test::TempDir dir;
  const auto precision = GENERATE(nmt::Precision::fp32, nmt::Precision::bf16, nmt::Precision::int8);
  CAPTURE(static_cast<int>(precision));
  const auto model = train_tiny_model(dir);
  nmt::Translator translator({model}, {}, torch::kCPU, precision);
  const auto lines = random_lines(40);
  for (const int beam : {1, 3}) {
    CAPTURE(beam);
    nmt::SearchOptions options;
    options.beam = beam;
    options.nbest = beam;
    options.attention = true;
    const auto one = translator.translate(lines, options, 4, 1);
    const auto three = translator.translate(lines, options, 4, 3);
    REQUIRE(three.size() == lines.size());
    CHECK(three[7].hypotheses.empty());
    for (size_t i = 0; i < lines.size(); ++i) {
      CAPTURE(i);
      CHECK(three[i].source_pieces == one[i].source_pieces);
      CHECK(three[i].texts == one[i].texts);
      REQUIRE(three[i].hypotheses.size() == one[i].hypotheses.size());
      for (size_t k = 0; k < one[i].hypotheses.size(); ++k) {
        CHECK(three[i].hypotheses[k].ids == one[i].hypotheses[k].ids);
        CHECK(three[i].hypotheses[k].score == Approx(one[i].hypotheses[k].score).epsilon(1e-6));
        CHECK(torch::equal(three[i].hypotheses[k].attention, one[i].hypotheses[k].attention));
      }
    }
  }
}

TEST_CASE("translate: --workers gives the output of one worker, and is 0 (by cores) to 256",
          "[decode][workers][translate]") {
  nmt::test::TempDir dir;
  const auto model = train_tiny_model(dir);
  std::string text;
  for (const auto& line : random_lines(30)) text += line + "\n";
  nmt::test::write_text(dir.file("in.txt"), text);
  const auto translate = "translate --model '" + model + "' --input '" + dir.file("in.txt") +
                         "' --precision fp32 --threads 2 --batch-size 3 --output ";
  const auto one = nmt::test::run_nmt(translate + "'" + dir.file("one.txt") + "' --workers 1");
  INFO(one.output);
  REQUIRE(one.status == 0);
  const auto two = nmt::test::run_nmt(translate + "'" + dir.file("two.txt") + "' --workers 2");
  INFO(two.output);
  REQUIRE(two.status == 0);
  CHECK(nmt::read_lines(dir.file("two.txt")) == nmt::read_lines(dir.file("one.txt")));
  CHECK(nmt::read_lines(dir.file("two.txt")).size() == 31);
  // By default, one worker per core (--threads 2: two).
  const auto automatic = nmt::test::run_nmt(translate + "'" + dir.file("auto.txt") + "'");
  INFO(automatic.output);
  REQUIRE(automatic.status == 0);
  const int cores = std::min(2, nmt::usable_cores());  // --threads 2
  CHECK_THAT(automatic.output,
             Catch::Contains("[translate] " + std::to_string(cores) +
                             (cores == 1 ? " worker x 2 threads" : " workers x 1 thread") +
                             " (workers by cores"));
  CHECK(nmt::read_lines(dir.file("auto.txt")) == nmt::read_lines(dir.file("one.txt")));
  for (const char* bad : {"-1", "257"}) {
    CHECK_THAT(nmt::test::require_one_line_error(
                   nmt::test::run_nmt(translate + "'" + dir.file("x.txt") + "' --workers " + bad)),
               Catch::Contains("--workers"));
  }
}

TEST_CASE("translate: bf16 searches stay on one thread with a oneDNN before 2.7.1",
          "[decode][workers][translate][precision]") {
  // The version read through oneDNN's own API must be the one LibTorch was built with.
  const int version = nmt::onednn_version();
  const auto config = at::show_config();
  const auto at = config.find("DNN v");
  if (version != 0) {
    REQUIRE(at != std::string::npos);
    int major = 0, minor = 0, patch = 0;
    REQUIRE(std::sscanf(config.c_str() + at + 5, "%d.%d.%d", &major, &minor, &patch) == 3);
    CHECK(version == major * 10000 + minor * 100 + patch);
  }
  const bool confined = version != 0 && version < 20701;
  CHECK(nmt::bf16_confined_to_one_thread() == confined);

  nmt::test::TempDir dir;
  const auto model = train_tiny_model(dir);
  const nmt::Translator fp32({model}, {}, torch::kCPU, nmt::Precision::fp32);
  const nmt::Translator bf16({model}, {}, torch::kCPU, nmt::Precision::bf16);
  const nmt::Translator int8({model}, {}, torch::kCPU, nmt::Precision::int8);
  CHECK(fp32.usable_workers(3) == 3);
  CHECK(bf16.usable_workers(3) == (confined ? 1 : 3));
  CHECK(int8.usable_workers(3) == (nmt::cpu_has_vnni() ? 3 : 1));

  nmt::test::write_text(dir.file("in.txt"), "red cat\nblue dog\n");
  const auto translate = "translate --model '" + model + "' --input '" + dir.file("in.txt") +
                         "' --output '" + dir.file("out.txt") + "' --workers 2 --precision ";
  const auto in_bf16 = nmt::test::run_nmt(translate + "bf16");
  INFO(in_bf16.output);
  REQUIRE(in_bf16.status == 0);
  CHECK((in_bf16.output.find("searching on 1 thread") != std::string::npos) == confined);
  const auto in_fp32 = nmt::test::run_nmt(translate + "fp32");
  REQUIRE(in_fp32.status == 0);
  CHECK(in_fp32.output.find("searching on 1 thread") == std::string::npos);
}
