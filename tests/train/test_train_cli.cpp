// `nmt train` as a user runs it: SIGKILL never leaves a broken checkpoint, SIGINT stops with a
// checkpoint, and bad input is a one-line error that overwrites nothing.
#include <signal.h>
#include <sys/wait.h>
#include <torch/torch.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <random>
#include <thread>

#include "common/config.h"
#include "model/checkpoint.h"
#include "model/seq2seq.h"
#include "support/run_command.h"
#include "train/train_fixtures.h"

namespace fs = std::filesystem;
using Catch::Contains;
using nmt::test::nmt_binary;
using nmt::test::run_command;

namespace {

// Starts `nmt train CONFIG --set ...` in the background; returns its pid.
pid_t start_training(const std::string& config, const std::vector<std::string>& sets) {
  const pid_t pid = fork();
  if (pid == 0) {
    std::vector<std::string> args = {NMT_BINARY, "train", config};
    for (const auto& s : sets) {
      args.push_back("--set");
      args.push_back(s);
    }
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    freopen("/dev/null", "w", stderr);
    execv(NMT_BINARY, argv.data());
    _exit(127);
  }
  return pid;
}

void load_all_checkpoints(const std::string& model_dir) {
  auto paths = nmt::list_step_checkpoints(model_dir);
  if (fs::exists(nmt::best_checkpoint_path(model_dir))) {
    paths.push_back(nmt::best_checkpoint_path(model_dir));
  }
  for (const auto& path : paths) {
    INFO(path);
    const auto config = nmt::parse_config(nmt::checkpoint_config(path), path);
    nmt::Seq2Seq model(config.model, 24, 24);
    REQUIRE_NOTHROW(nmt::load_checkpoint(path, *model, nullptr));
  }
}

// Waits (up to 60 s, the machine may be busy) until `ready` holds.
void wait_until(const std::function<bool()>& ready) {
  for (int i = 0; i < 1200 && !ready(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  REQUIRE(ready());
}

}  // namespace

TEST_CASE("train: SIGKILL at any moment leaves only loadable checkpoints", "[train][kill][slow]") {
  nmt::test::TempDir dir;
  nmt::test::write_reverse_corpus(dir, 300, 0);
  const auto config = dir.file("c.yaml");
  nmt::test::write_text(config, nmt::test::tiny_train_yaml(dir, dir.file("model"), false));
  // Train the subword model once, outside the timed runs.
  REQUIRE(run_command(nmt_binary() + " prepare '" + config + "'").status == 0);
  std::mt19937 rng(11);
  std::uniform_int_distribution<int> delay_ms(0, 500);
  int checkpoints_seen = 0;
  for (int round = 0; round < 4; ++round) {
    // A checkpoint after every update, so that kills often land inside a write.
    const pid_t pid = start_training(
        config, {"train.valid_every=1", "train.keep_last=2", "train.max_steps=100000"});
    // From the first checkpoint on (start-up time varies with the machine's load).
    wait_until([&] { return !nmt::list_step_checkpoints(dir.file("model")).empty(); });
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(rng)));
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    load_all_checkpoints(dir.file("model"));
    checkpoints_seen += static_cast<int>(nmt::list_step_checkpoints(dir.file("model")).size());
    fs::remove_all(dir.file("model/checkpoints"));
  }
  CHECK(checkpoints_seen >= 4);  // every round killed a run that had checkpoints
}

TEST_CASE("train: SIGINT writes a checkpoint and exits cleanly", "[train][signal][slow]") {
  nmt::test::TempDir dir;
  nmt::test::write_reverse_corpus(dir, 300, 0);
  const auto config = dir.file("c.yaml");
  nmt::test::write_text(config, nmt::test::tiny_train_yaml(dir, dir.file("model"), false));
  REQUIRE(run_command(nmt_binary() + " prepare '" + config + "'").status == 0);
  const pid_t pid = start_training(config, {});
  // Training has begun once its first progress line is written (every 5 updates).
  wait_until([&] {
    return nmt::test::read_text(dir.file("model/metrics.jsonl")).find("\"train\"") !=
           std::string::npos;
  });
  const auto sent = std::chrono::steady_clock::now();
  kill(pid, SIGINT);
  int status = 0;
  waitpid(pid, &status, 0);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - sent).count();
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(seconds < 5);
  REQUIRE(nmt::list_step_checkpoints(dir.file("model")).size() == 1);
  load_all_checkpoints(dir.file("model"));
}

TEST_CASE("train: bad input is a one-line error and overwrites nothing", "[train][errors][slow]") {
  nmt::test::TempDir dir;
  nmt::test::write_reverse_corpus(dir, 200, 0);
  const auto config = dir.file("c.yaml");
  nmt::test::write_text(config, nmt::test::tiny_train_yaml(dir, dir.file("model"), false));
  const std::string train = nmt_binary() + " train '" + config + "'";
  REQUIRE(run_command(train + " --set train.max_steps=2").status == 0);
  const auto checkpoint = nmt::step_checkpoint_path(dir.file("model"), 2);
  const auto checkpoint_bytes = nmt::test::read_text(checkpoint);
  const auto config_bytes = nmt::test::read_text(dir.file("model/config.yaml"));

  auto last_line = [](const std::string& output) {
    const auto end = output.find_last_not_of('\n');
    return output.substr(output.rfind('\n', end) + 1);
  };
  SECTION("another architecture on --resume") {
    const auto r = run_command(train + " --resume --set model.decoder.hidden=12");
    CHECK(r.status != 0);
    CHECK_THAT(last_line(r.output),
               Contains("nmt: error: --resume: the config differs from that of " + checkpoint +
                        " in model.decoder.hidden (16 -> 12)"));
  }
  SECTION("existing checkpoints without --resume") {
    const auto r = run_command(train);
    CHECK(r.status != 0);
    CHECK_THAT(last_line(r.output), Contains("already has a trained model"));
  }
  SECTION("a missing corpus file") {
    const auto r = run_command(train + " --set model_dir=" + dir.file("other") +
                               " --set data.train=" + dir.file("missing"));
    CHECK(r.status != 0);
    CHECK_THAT(last_line(r.output), Contains("nmt: error: data.train: no corpus file"));
  }
  SECTION("no training pair within data.max_len") {
    const auto r =
        run_command(train + " --set model_dir=" + dir.file("other") + " --set data.max_len=1");
    CHECK(r.status != 0);
    CHECK_THAT(last_line(r.output), Contains("nmt: error: data.train: no training pairs left"));
  }
  SECTION("device: cuda where LibTorch has no CUDA") {
    if (!torch::cuda::is_available()) {
      const auto r = run_command(train + " --resume --set device=cuda");
      CHECK(r.status != 0);
      CHECK_THAT(last_line(r.output), Contains("nmt: error: device: cuda is not available"));
    }
  }
  SECTION("a model_dir that cannot be created") {
    const auto r = run_command(train + " --set model_dir=" + config + "/sub");
    CHECK(r.status != 0);
    CHECK_THAT(last_line(r.output), Contains("nmt: error: model_dir: cannot create directory"));
  }
  CHECK(nmt::test::read_text(checkpoint) == checkpoint_bytes);
  CHECK(nmt::test::read_text(dir.file("model/config.yaml")) == config_bytes);
}
