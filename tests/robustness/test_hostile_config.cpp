// Hostile configs and training data: values that parse but no run can use, config paths that
// are not files, text with nothing to learn from. Each is one `nmt: error:` line, and nothing
// in the folder changes.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <string>

#include "support/one_line_error.h"
#include "train/train_fixtures.h"

using Catch::Contains;
using nmt::test::require_one_line_error;
using nmt::test::run_nmt;
using nmt::test::snapshot;
using nmt::test::TempDir;
using nmt::test::write_text;

namespace {

// A valid config over a tiny corpus in `dir`; returns the config's path.
std::string write_tiny_config(const TempDir& dir) {
  nmt::test::write_reverse_corpus(dir, 50, 0);
  const auto config = dir.file("c.yaml");
  write_text(config, nmt::test::tiny_train_yaml(dir, dir.file("model"), false));
  return config;
}

// `nmt prepare CONFIG --set ASSIGNMENT` is refused with one line naming `key`, and changes
// nothing in `dir`.
void require_refused_override(const TempDir& dir, const std::string& config,
                              const std::string& assignment, const std::string& key,
                              const std::string& problem) {
  INFO(assignment);
  const auto before = snapshot(dir.path());
  const auto line =
      require_one_line_error(run_nmt("prepare '" + config + "' --set '" + assignment + "'"));
  CHECK_THAT(line, Contains(key) && Contains(problem));
  CHECK(snapshot(dir.path()) == before);
}

}  // namespace

TEST_CASE("robustness: config numbers that parse as infinity or NaN are refused",
          "[robustness][config]") {
  TempDir dir;
  const auto config = write_tiny_config(dir);
  for (const std::string assignment :
       {"train.lr=1e400", "train.lr=inf", "train.lr=nan", "train.max_minutes=1e999",
        "train.clip_grad_norm=inf", "train.weight_decay=1e400", "train.min_lr=inf",
        "train.adam_eps=1e309"}) {
    const std::string key = assignment.substr(0, assignment.find('='));
    require_refused_override(dir, config, assignment, key, "finite");
  }
}

TEST_CASE("robustness: sizes no machine can allocate are refused by the config",
          "[robustness][config]") {
  TempDir dir;
  const auto config = write_tiny_config(dir);
  for (const std::string key :
       {"model.encoder.hidden", "model.encoder.embedding_dim", "model.encoder.layers",
        "model.encoder.heads", "model.encoder.ff_size", "model.decoder.hidden",
        "model.decoder.embedding_dim", "model.decoder.layers", "data.subwords.vocab_size",
        "data.max_len", "train.batch_tokens", "train.valid_batch_size", "train.threads"}) {
    require_refused_override(dir, config, key + "=2000000000", key, "expected <=");
  }
}

TEST_CASE("robustness: a config path that is not a regular file is refused",
          "[robustness][config]") {
  TempDir dir;
  const auto fifo = dir.file("fifo.yaml");
  REQUIRE(::mkfifo(fifo.c_str(), 0644) == 0);
  std::filesystem::create_directory(dir.file("folder.yaml"));
  const auto before = snapshot(dir.path());
  for (const std::string path : {fifo, dir.file("folder.yaml"), std::string("/dev/zero")}) {
    INFO(path);
    const auto line = require_one_line_error(run_nmt("prepare '" + path + "'"));
    CHECK_THAT(line, Contains(path) && Contains("not a regular file"));
  }
  CHECK(snapshot(dir.path()) == before);
}

TEST_CASE("robustness: a config file over 16 MiB is refused unread", "[robustness][config]") {
  TempDir dir;
  const auto big = dir.file("big.yaml");
  write_text(big, "# " + std::string(17 << 20, 'x') + "\n");
  const auto line = require_one_line_error(run_nmt("prepare '" + big + "'"));
  CHECK_THAT(line, Contains(big) && Contains("16 MiB"));
}

TEST_CASE("robustness: training text that is only whitespace is refused before SentencePiece",
          "[robustness][data]") {
  TempDir dir;
  write_text(dir.file("ws.en"), " \n");
  write_text(dir.file("ws.de"), " \n");
  const auto config = dir.file("c.yaml");
  write_text(config, "model_dir: " + dir.file("model") + "\ndata:\n  train: " + dir.file("ws") +
                         "\n  src: en\n  trg: de\n  subwords:\n    vocab_size: 24\n");
  for (const std::string command : {"prepare", "train"}) {
    INFO(command);
    const auto line = require_one_line_error(run_nmt(command + " '" + config + "'"));
    CHECK_THAT(line, Contains("data.train") && Contains(dir.file("ws.en")) &&
                         Contains("no text to learn subwords from"));
    CHECK_FALSE(std::filesystem::exists(dir.file("model/spm.model")));
  }

  // Unicode spaces, zero-width characters, a byte-order mark and U+FFFD crash it as well.
  write_text(dir.file("uni.en"),
             "\xc2\xa0\n\xe3\x80\x80\n\xe2\x80\x8b\n\xef\xbb\xbf\n\xef\xbf\xbd\n");
  write_text(dir.file("uni.de"), "\xe2\x80\x83\n \n\t\n\n\xe3\x80\x80\n");
  const auto unicode = require_one_line_error(
      run_nmt("prepare '" + config + "' --set data.train=" + dir.file("uni")));
  CHECK_THAT(unicode, Contains(dir.file("uni.en")) && Contains("no text to learn subwords from"));

  // Separate subword models: the side with text trains, the blank side is named.
  write_text(dir.file("half.en"), "a real sentence\n\t \n");
  write_text(dir.file("half.de"), "\t\n \r\n");
  const auto line = require_one_line_error(run_nmt("prepare '" + config +
                                                   "' --set data.train=" + dir.file("half") +
                                                   " --set data.subwords.joint=false"));
  CHECK_THAT(line, Contains(dir.file("half.de")) && Contains("no text to learn subwords from"));
  CHECK_THAT(line, !Contains(dir.file("half.en")));
}

TEST_CASE("robustness: a model too large for memory is one error line without a backtrace",
          "[robustness][config]") {
  TempDir dir;
  const auto config = write_tiny_config(dir);
  // Within the config's bounds, but its first weight matrix alone is 48 GiB (run_nmt limits
  // the address space to 6 GB): LibTorch's allocator fails with a backtrace in its message.
  const auto line =
      require_one_line_error(run_nmt("train '" + config + "' --set model.encoder.hidden=65536" +
                                     " --set model.decoder.hidden=65536 --set train.max_steps=1"));
  CHECK_THAT(line, Contains("can't allocate memory"));
}
