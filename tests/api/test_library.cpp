// nmt as a library: the installed CMake package builds examples/translate, which translates as
// `nmt translate` does; loading a model leaves the caller's random stream alone.
#include <torch/torch.h>

#include <catch2/catch.hpp>

#include "api/translator_loading.h"
#include "data/corpus.h"
#include "decode/translator.h"
#include "support/run_command.h"
#include "support/temp_dir.h"
#include "test_paths.h"
#include "train/train_fixtures.h"

using nmt::test::quoted;
using nmt::test::run_command;

namespace {

// The dates task (scripts/make_dates.sh) trained by configs/dates.yaml for a few updates.
std::string train_dates_model(const nmt::test::TempDir& dir) {
  const auto data = dir.file("dates");
  const auto made =
      run_command("bash " + quoted(std::string(NMT_SOURCE_DIR) + "/scripts/make_dates.sh") + " " +
                  quoted(data));
  REQUIRE(made.status == 0);
  const auto model = dir.file("model");
  const auto trained = run_command(
      nmt::test::nmt_binary() + " train " +
      quoted(std::string(NMT_SOURCE_DIR) + "/configs/dates.yaml") +
      " --set model_dir=" + quoted(model) + " --set data.train=" + quoted(data + "/train") +
      " --set data.dev=" + quoted(data + "/dev") + " --set data.test=" + quoted(data + "/test") +
      " --set train.max_steps=20 --set train.valid_every=1000 --set train.workers=1");
  INFO(trained.output);
  REQUIRE(trained.status == 0);
  return model;
}

}  // namespace

TEST_CASE(
    "library: examples/translate builds against the installed package and translates as "
    "nmt translate does",
    "[api]") {
  nmt::test::TempDir dir;
  const auto prefix = dir.file("prefix");
  const auto installed = run_command(std::string(NMT_CMAKE) + " --install " +
                                     quoted(NMT_BINARY_DIR) + " --prefix " + quoted(prefix));
  INFO(installed.output);
  REQUIRE(installed.status == 0);
  // The package brings its header and library alone: the example's build sees neither LibTorch
  // nor nmt's sources.
  const auto built =
      run_command(std::string(NMT_CMAKE) + " -S " +
                  quoted(std::string(NMT_SOURCE_DIR) + "/examples/translate") + " -B " +
                  quoted(dir.file("example")) + " -G " + quoted(NMT_CMAKE_GENERATOR) +
                  " -DCMAKE_PREFIX_PATH=" + quoted(prefix) +
                  " -DCMAKE_CXX_COMPILER=" + quoted(NMT_CXX_COMPILER) + " && " + NMT_CMAKE +
                  " --build " + quoted(dir.file("example")));
  INFO(built.output);
  REQUIRE(built.status == 0);
  CHECK(nmt::test::read_text(dir.file("example/CMakeCache.txt")).find("Torch_DIR") ==
        std::string::npos);

  const auto model = train_dates_model(dir);
  const auto input = dir.file("input.en");
  REQUIRE(run_command("head -n 40 " + quoted(dir.file("dates/test.en")) + " > " + quoted(input))
              .status == 0);
  const auto by_example = run_command(
      "(" + quoted(dir.file("example/translate")) + " " + quoted(model) + " < " + quoted(input) +
      " > " + quoted(dir.file("example.de")) + " 2> " + quoted(dir.file("example.log")) + ")");
  const auto log = nmt::test::read_text(dir.file("example.log"));
  INFO(log);
  REQUIRE(by_example.status == 0);
  CHECK_THAT(log, Catch::Contains("translate: precision: "));
  const auto by_nmt =
      run_command(nmt::test::nmt_binary() + " translate --model " + quoted(model) + " --input " +
                  quoted(input) + " --output " + quoted(dir.file("nmt.de")));
  INFO(by_nmt.output);
  REQUIRE(by_nmt.status == 0);
  const auto translations = nmt::read_lines(dir.file("example.de"));
  CHECK(translations.size() == 40);
  CHECK(translations == nmt::read_lines(dir.file("nmt.de")));

  // A bad model directory is one error line and exit 1, not a crash.
  const auto missing = run_command(quoted(dir.file("example/translate")) + " " +
                                   quoted(dir.file("no_model")) + " < " + quoted(input));
  CHECK(missing.status == 1);
  CHECK_THAT(missing.output,
             Catch::StartsWith("translate: error: ") && Catch::Contains(dir.file("no_model")));
}

TEST_CASE("library: loading a model leaves torch::manual_seed's stream alone", "[api]") {
  nmt::test::TempDir dir;
  const auto model = nmt::test::train_tiny_model(dir);
  torch::manual_seed(7);
  const auto without_loading = torch::rand({8});
  torch::manual_seed(7);
  nmt::TranslatorSettings settings;
  settings.model_dirs = {model};
  settings.precision = "fp32";
  const auto loaded = nmt::load_translator(settings);
  REQUIRE(loaded.translator->parameters() > 0);
  CHECK(torch::equal(torch::rand({8}), without_loading));
}
