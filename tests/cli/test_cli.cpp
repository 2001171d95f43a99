// The nmt binary: help and version exit 0, an unknown command is a one-line error listing
// the commands, config errors reach the user as one line.
#include <catch2/catch.hpp>

#include "build_info.h"
#include "common/config.h"
#include "support/run_command.h"
#include "support/temp_dir.h"

using Catch::Contains;
using nmt::test::nmt_binary;
using nmt::test::run_command;

namespace {

int count_lines(const std::string& s) {
  return static_cast<int>(std::count(s.begin(), s.end(), '\n'));
}

}  // namespace

TEST_CASE("cli: --help for the program and each command exits 0", "[cli]") {
  const std::string args = GENERATE(as<std::string>{}, "--help", "train --help", "translate --help",
                                    "evaluate --help", "prepare --help", "plot-attention --help");
  const auto r = run_command(nmt_binary() + " " + args);
  INFO(r.output);
  CHECK(r.status == 0);
  CHECK_THAT(r.output, Contains("Usage"));
}

TEST_CASE("cli: --version prints the version", "[cli]") {
  const auto r = run_command(nmt_binary() + " --version");
  CHECK(r.status == 0);
  CHECK_THAT(r.output, Contains(std::string("nmt ") + NMT_VERSION));
}

TEST_CASE("cli: an unknown command is a one-line error listing the commands", "[cli]") {
  const auto r = run_command(nmt_binary() + " frobnicate");
  CHECK(r.status != 0);
  CHECK(count_lines(r.output) == 1);
  CHECK_THAT(
      r.output,
      Contains(
          "nmt: error: unknown command 'frobnicate' (expected one of: "
          "prepare, train, translate, evaluate, plot-attention, align, compare, average, serve, "
          "shortlist, config)"));
  const auto none = run_command(nmt_binary());
  CHECK(none.status != 0);
  CHECK_THAT(none.output, Contains("prepare, train, translate, evaluate, plot-attention"));
}

TEST_CASE("cli: a config error is one line with file, line and key", "[cli]") {
  nmt::test::TempDir dir;
  const auto config = dir.file("bad.yaml");
  nmt::test::write_text(config, "model_dir: " + dir.file("model") +
                                    "\ndata:\n  train: x\n  src: en\n  trg: de\n"
                                    "model:\n  attention:\n    type: mpl\n");
  const auto r = run_command(nmt_binary() + " prepare '" + config + "'");
  CHECK(r.status != 0);
  CHECK(count_lines(r.output) == 1);
  CHECK_THAT(r.output,
             Contains("nmt: error: " + config + ":8: model.attention.type: unknown value 'mpl'"));

  nmt::test::write_text(
      config, "model_dir: " + dir.file("model") + "\ndata:\n  train: x\n  src: en\n  trg: de\n");
  const auto set = run_command(nmt_binary() + " prepare '" + config + "' --set train.lr=x");
  CHECK(set.status != 0);
  CHECK_THAT(set.output, Contains("nmt: error: --set train.lr=x: train.lr: expected a number"));
}

TEST_CASE("cli: prepare trains subwords and reports a missing corpus by key", "[cli]") {
  nmt::test::TempDir dir;
  std::string en, de;
  for (int i = 0; i < 200; ++i) {
    en += "the dog number " + std::to_string(i % 17) + " runs on the grass.\n";
    de += "der hund nummer " + std::to_string(i % 13) + " rennt auf dem gras.\n";
  }
  nmt::test::write_text(dir.file("train.en"), en);
  nmt::test::write_text(dir.file("train.de"), de);
  const auto config = dir.file("c.yaml");
  nmt::test::write_text(config, "model_dir: " + dir.file("model") +
                                    "\ndata:\n  train: " + dir.file("train") +
                                    "\n  src: en\n  trg: de\n  subwords:\n    vocab_size: 40\n");
  const auto ok = run_command(nmt_binary() + " prepare '" + config + "'");
  INFO(ok.output);
  REQUIRE(ok.status == 0);
  CHECK_THAT(ok.output, Contains("[data] train: 200 pairs"));
  CHECK(std::filesystem::exists(dir.file("model/spm.model")));
  CHECK(std::filesystem::exists(dir.file("model/config.yaml")));

  const auto missing = run_command(nmt_binary() + " prepare '" + config +
                                   "' --set data.train=" + dir.file("nothing"));
  CHECK(missing.status != 0);
  CHECK_THAT(missing.output,
             Contains("nmt: error: data.train: no corpus file " + dir.file("nothing") + ".en"));
}

TEST_CASE("cli: config keys lists every key of the schema with its values and meaning", "[cli]") {
  const auto r = run_command(nmt_binary() + " config keys");
  REQUIRE(r.status == 0);
  const auto keys = nmt::config_keys();
  REQUIRE(keys.size() > 50);
  for (const auto& key : keys) {
    CAPTURE(key.key);
    CHECK(!key.meaning.empty());
    CHECK(!key.type.empty());
    CHECK((!key.required || key.default_value.empty()));
    const auto at = r.output.find("\n" + key.key + "  (");
    CHECK((at != std::string::npos || r.output.rfind(key.key + "  (", 0) == 0));
  }
  CHECK_THAT(r.output, Contains("train.precision  (one of: fp32, bf16, auto; default fp32)"));
  CHECK_THAT(r.output, Contains("train.workers  (auto or integer in [1, 256]; default auto)"));
  CHECK_THAT(r.output, Contains("model.attention.type  (one of: dot, scaled_dot,"));
  CHECK_THAT(r.output, Contains("model.decoder.type  (one of: rnn, transformer; default rnn)"));
  const auto bare = run_command(nmt_binary() + " config");
  CHECK(bare.status != 0);
  CHECK(count_lines(bare.output) == 1);
  CHECK_THAT(bare.output, Contains("nmt: error: config: expected a subcommand: keys"));
}
