// What training does with an existing model directory: resume only the same run, never
// overwrite a trained model, never share the directory with a second process.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <map>
#include <thread>

#include "common/config.h"
#include "common/errors.h"
#include "model/checkpoint.h"
#include "model/seq2seq.h"
#include "support/run_command.h"
#include "train/data_parallel_fixtures.h"
#include "train/train_fixtures.h"
#include "train/trainer.h"

namespace fs = std::filesystem;
using Catch::Contains;
using nmt::checkpoint_progress;

namespace {

struct TrainedDir {
  nmt::test::TempDir dir;
  std::string model = dir.file("model");
  std::string yaml;
  TrainedDir() {
    nmt::test::write_reverse_corpus(dir, 80, 10);
    yaml = nmt::test::tiny_train_yaml(dir, model, true);
    nmt::train(nmt::parse_config(yaml, "tiny.yaml", {"train.max_steps=3"}), false);
  }
  nmt::Config config(const std::vector<std::string>& sets) const {
    return nmt::parse_config(yaml, "tiny.yaml", sets);
  }
  int64_t newest_step() const {
    return checkpoint_progress(nmt::list_step_checkpoints(model).back()).step;
  }
};

std::string error_of(const std::function<void()>& run) {
  try {
    run();
  } catch (const nmt::Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("train --resume refuses a config that changes the run, naming the keys",
          "[train][resume]") {
  TrainedDir t;
  const auto bytes = nmt::test::read_text(nmt::list_step_checkpoints(t.model).back());
  const auto [set, named] = GENERATE(table<std::string, std::string>({
      {"train.batch_tokens=128", "train.batch_tokens (64 -> 128)"},
      {"train.seed=4", "train.seed (3 -> 4)"},
      {"data.max_len=50", "data.max_len (100 -> 50)"},
      {"model.decoder.dropout=0.3", "model.decoder.dropout (0.1 -> 0.3)"},
  }));
  CAPTURE(set);
  const auto error = error_of([&] { nmt::train(t.config({set, "train.max_steps=6"}), true); });
  CHECK_THAT(error, Contains("--resume: the config differs"));
  CHECK_THAT(error, Contains(named));
  CHECK_THAT(error, Contains("only model_dir, device"));
  CHECK(t.newest_step() == 3);
  CHECK(nmt::test::read_text(nmt::list_step_checkpoints(t.model).back()) == bytes);
}

TEST_CASE("train --resume accepts a longer budget and another validation interval",
          "[train][resume]") {
  TrainedDir t;
  nmt::train(t.config({"train.max_steps=5", "train.valid_every=2", "train.keep_last=5"}), true);
  CHECK(t.newest_step() == 5);
}

TEST_CASE("train --resume of a finished run trains nothing more", "[train][resume]") {
  SECTION("max_steps") {
    TrainedDir t;
    nmt::train(t.config({"train.max_steps=3"}), true);
    CHECK(t.newest_step() == 3);
  }
  SECTION("max_minutes") {
    nmt::test::TempDir dir;
    nmt::test::write_reverse_corpus(dir, 80, 0);
    const auto yaml = nmt::test::tiny_train_yaml(dir, dir.file("model"), false);
    const auto config = nmt::parse_config(yaml, "tiny.yaml", {"train.max_minutes=0.001"});
    nmt::train(config, false);
    const auto steps = nmt::list_step_checkpoints(dir.file("model"));
    REQUIRE(steps.size() == 1);
    const auto done = checkpoint_progress(steps.back()).step;
    nmt::train(config, true);
    CHECK(checkpoint_progress(nmt::list_step_checkpoints(dir.file("model")).back()).step == done);
  }
}

TEST_CASE("train without --resume never overwrites a trained model", "[train][model_dir]") {
  TrainedDir t;
  // Only best.ckpt is left (e.g. the step checkpoints were cleaned up to save space).
  fs::remove_all(t.model + "/checkpoints");
  const auto best = nmt::best_checkpoint_path(t.model);
  REQUIRE(fs::is_regular_file(best));
  const auto bytes = nmt::test::read_text(best);
  CHECK_THAT(error_of([&] { nmt::train(t.config({"train.max_steps=2"}), false); }),
             Contains("already has a trained model (" + best + ")"));
  CHECK_THAT(error_of([&] { nmt::train(t.config({"train.max_steps=6"}), true); }),
             Contains("no step checkpoint to resume from"));
  CHECK(nmt::test::read_text(best) == bytes);
}

TEST_CASE("train --resume without the subword model is an error", "[train][model_dir]") {
  TrainedDir t;
  fs::remove(t.model + "/spm.model");
  CHECK_THAT(error_of([&] { nmt::train(t.config({"train.max_steps=6"}), true); }),
             Contains("--resume: " + t.model + "/spm.model is missing"));
  CHECK_FALSE(fs::exists(t.model + "/spm.model"));  // no new one trained in its place
  CHECK(t.newest_step() == 3);
}

TEST_CASE("train: a second process on the same model_dir is refused, naming the first",
          "[train][model_dir][slow]") {
  nmt::test::TempDir dir;
  nmt::test::write_reverse_corpus(dir, 300, 0);
  const auto config = dir.file("c.yaml");
  nmt::test::write_text(config, nmt::test::tiny_train_yaml(dir, dir.file("model"), false));
  REQUIRE(nmt::test::run_command(nmt::test::nmt_binary() + " prepare '" + config + "'").status ==
          0);
  const pid_t first = fork();
  if (first == 0) {
    freopen("/dev/null", "w", stderr);
    execl(NMT_BINARY, NMT_BINARY, "train", config.c_str(), "--set", "train.max_steps=1000000",
          static_cast<char*>(nullptr));
    _exit(127);
  }
  // Wait until the first run has started training (its metrics file appears).
  for (int i = 0; i < 200 && !fs::exists(dir.file("model/metrics.jsonl")); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const auto second = nmt::test::run_command(nmt::test::nmt_binary() + " train '" + config +
                                             "' --resume --set train.max_steps=1000000");
  const auto prepare =
      nmt::test::run_command(nmt::test::nmt_binary() + " prepare '" + config + "'");
  kill(first, SIGKILL);
  waitpid(first, nullptr, 0);
  CHECK(second.status != 0);
  CHECK_THAT(second.output,
             Contains("model_dir: " + dir.file("model") +
                      " is in use by another nmt process (pid " + std::to_string(first) + ")"));
  CHECK(prepare.status != 0);
  CHECK_THAT(prepare.output, Contains("is in use by another nmt process"));
  // Once the first process is gone, its lock is gone with it.
  const auto after = nmt::test::run_command(nmt::test::nmt_binary() + " train '" + config +
                                            "' --resume --set train.max_steps=1");
  CHECK(after.status == 0);
}

TEST_CASE("prepare on a trained model changes none of its files", "[train][model_dir][cli]") {
  TrainedDir t;
  const auto config = t.dir.file("tiny.yaml");
  nmt::test::write_text(config, t.yaml);
  std::map<std::string, std::string> before;
  for (const auto& f : fs::recursive_directory_iterator(t.model)) {
    if (f.is_regular_file() && f.path().filename() != ".lock") {
      before[f.path().string()] = nmt::test::read_text(f.path().string());
    }
  }
  const auto files_unchanged = [&] {
    for (const auto& [path, bytes] : before) {
      CAPTURE(path);
      CHECK(nmt::test::read_text(path) == bytes);
    }
  };
  const std::string prepare = nmt::test::nmt_binary() + " prepare '" + config + "'";
  // The config it was trained with, or one with a longer budget: nothing written.
  for (const std::string steps : {"3", "7"}) {
    const auto same = nmt::test::run_command(prepare + " --set train.max_steps=" + steps);
    INFO(same.output);
    CHECK(same.status == 0);
    files_unchanged();
  }
  // Another config: refused in one line.
  const auto other =
      nmt::test::run_command(prepare + " --set train.max_steps=3 --set train.lr=0.5");
  INFO(other.output);
  CHECK(other.status != 0);
  CHECK_THAT(other.output, Contains("nmt: error: model_dir: " + t.model +
                                    " holds a trained model whose config.yaml differs"));
  files_unchanged();
}

TEST_CASE("loading a model to translate leaves the random generator alone", "[train][model_dir]") {
  TrainedDir t;
  const auto checkpoint = nmt::list_step_checkpoints(t.model).back();
  const auto config = nmt::parse_config(nmt::checkpoint_config(checkpoint), checkpoint);
  nmt::Seq2Seq model(config.model, 24, 24);
  torch::manual_seed(12345);
  const auto expected = torch::rand({8});
  torch::manual_seed(12345);
  nmt::load_checkpoint(checkpoint, *model, nullptr);
  CHECK(torch::equal(torch::rand({8}), expected));
  // Resuming training restores the checkpoint's generator: another stream.
  torch::manual_seed(12345);
  torch::optim::Adam adam(model->parameters());
  nmt::load_checkpoint(checkpoint, *model, &adam);
  CHECK(!torch::equal(torch::rand({8}), expected));
}

TEST_CASE("train: a model_dir deleted while training runs ends it with an error",
          "[train][model_dir]") {
  nmt::test::TempDir dir;
  const auto run = nmt::test::start_background_run(
      dir, {"--nproc", "1", "--set", "train.valid_every=5", "--set", "train.max_steps=100000"});
  // Deleted once training has written a checkpoint.
  REQUIRE(
      nmt::test::wait_until([&] { return !nmt::list_step_checkpoints(run.model_dir).empty(); }));
  fs::remove_all(run.model_dir);
  int status = 0;
  REQUIRE(::waitpid(run.launcher, &status, 0) == run.launcher);
  const auto log = nmt::test::read_text(run.log);
  INFO(log);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) != 0);
  CHECK_THAT(log, Contains("nmt: error: " + run.model_dir + "/"));
  CHECK_FALSE(fs::exists(run.model_dir));
}
