// `nmt train` with several workers when things go wrong: a worker killed by SIGKILL stops them
// all with the newest checkpoint usable, SIGTERM to the launcher stops every worker at one
// checkpoint, and automatic workers slowed by one of them go on as one process. Each as
// `--nproc 2` and as `train.workers: 2` (the config's way to the same launch).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "model/checkpoint.h"
#include "support/run_command.h"
#include "train/data_parallel_fixtures.h"
#include "train/train_fixtures.h"

using Catch::Contains;
using nmt::test::nmt_binary;
using nmt::test::quoted;
using nmt::test::rank_1_of;
using nmt::test::run_command;
using nmt::test::TempDir;
using nmt::test::wait_until;
using nmt::test::workers_of;
using nmt::test::workers_of_run;

namespace {

const std::vector<std::string> kTwoWorkers = {"--nproc", "2"};
const std::vector<std::string> kTwoWorkersByConfig = {"--set", "train.workers=2"};

}  // namespace

TEST_CASE("data parallel: a worker killed by SIGKILL stops them all, and the run resumes with 1",
          "[train][parallel][kill][slow]") {
  TempDir dir;
  const auto launch = GENERATE(as<std::vector<std::string>>{}, kTwoWorkers, kTwoWorkersByConfig);
  CAPTURE(launch);
  // Long enough to be killed in the middle: checkpoints every 10 updates.
  const auto run = nmt::test::start_background_run(
      dir,
      {launch[0], launch[1], "--set", "train.max_steps=100000", "--set", "train.valid_every=10"});
  const auto& [config, model_dir, log, launcher] = run;
  // The workers are the launcher's children; wait for a checkpoint, then kill rank 1's.
  REQUIRE(wait_until([&] { return nmt::list_step_checkpoints(model_dir).size() >= 2; }));
  const auto workers = workers_of(launcher);
  REQUIRE(workers.size() == 2);
  const pid_t victim = rank_1_of(workers);
  const auto killed_at = std::chrono::steady_clock::now();
  kill(victim, SIGKILL);
  int status = 0;
  REQUIRE(waitpid(launcher, &status, 0) == launcher);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - killed_at).count();
  const auto output = nmt::test::read_text(log);
  INFO(output);
  CHECK(seconds < 60);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) != 0);
  for (const pid_t worker : workers) CHECK(kill(worker, 0) == -1);  // gone (and reaped)
  CHECK_THAT(output, Contains("nmt: error: worker rank 1 (pid " + std::to_string(victim) +
                              ") was killed by signal 9"));
  CHECK(output.find("nmt: error:") == output.rfind("nmt: error:"));

  const auto newest = nmt::list_step_checkpoints(model_dir).back();
  const auto translated = run_command("echo 'red cat' | " + nmt_binary() + " translate --model " +
                                      quoted(model_dir) + " --checkpoint " + quoted(newest));
  INFO(translated.output);
  CHECK(translated.status == 0);
  const int64_t step = nmt::checkpoint_progress(newest).step;
  const auto resumed =
      run_command(nmt_binary() + " train " + quoted(config) +
                  " --nproc 1 --resume --set model_dir=" + quoted(model_dir) +
                  " --set train.valid_every=10 --set train.max_steps=" + std::to_string(step + 10));
  INFO(resumed.output);
  REQUIRE(resumed.status == 0);
  CHECK_THAT(resumed.output, Contains("resumed from"));
  const auto stops = nmt::test::metrics_events(model_dir, "stop");
  REQUIRE(!stops.empty());
  CHECK(stops.back()["step"] == step + 10);
}

TEST_CASE("data parallel: a worker stopped (SIGSTOP) for 5 s is named, and the others stopped",
          "[train][parallel][kill][slow]") {
  TempDir dir;
  const auto run = nmt::test::start_background_run(
      dir, {"--nproc", "2", "--set", "train.max_steps=100000", "--set", "train.valid_every=10",
            "--set", "train.distributed_timeout=300"});
  REQUIRE(wait_until([&] { return !nmt::list_step_checkpoints(run.model_dir).empty(); }));
  const auto workers = workers_of(run.launcher);
  REQUIRE(workers.size() == 2);
  const pid_t victim = rank_1_of(workers);
  const auto stopped_at = std::chrono::steady_clock::now();
  kill(victim, SIGSTOP);
  int status = 0;
  REQUIRE(waitpid(run.launcher, &status, 0) == run.launcher);
  const auto output = nmt::test::read_text(run.log);
  INFO(output);
  CHECK(std::chrono::steady_clock::now() - stopped_at < std::chrono::seconds(30));  // not 300
  CHECK(std::chrono::steady_clock::now() - stopped_at >= std::chrono::seconds(5));
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) != 0);
  CHECK_THAT(output, Contains("nmt: error: worker rank 1 (pid " + std::to_string(victim) +
                              ") was stopped by signal 19"));
  CHECK(output.find("nmt: error:") == output.rfind("nmt: error:"));
  for (const pid_t worker : workers) CHECK(kill(worker, 0) == -1);
}

TEST_CASE("data parallel: SIGTERM or SIGINT to the launcher stops every worker with one checkpoint",
          "[train][parallel][signal][slow]") {
  TempDir dir;
  const auto launch = GENERATE(as<std::vector<std::string>>{}, kTwoWorkers, kTwoWorkersByConfig);
  const int signal = GENERATE(SIGTERM, SIGINT);
  CAPTURE(launch, signal);
  const auto run = nmt::test::start_background_run(
      dir, {launch[0], launch[1], "--set", "train.max_steps=100000", "--set",
            "train.valid_every=1000", "--set", "train.log_every=1"});
  const auto& [config, model_dir, log, launcher] = run;
  // Training has begun once its first progress line is written.
  REQUIRE(wait_until([&] { return !nmt::test::metrics_events(model_dir, "train").empty(); }));
  const auto workers = workers_of(launcher);
  REQUIRE(workers.size() == 2);
  const auto sent = std::chrono::steady_clock::now();
  kill(launcher, signal);
  int status = 0;
  REQUIRE(waitpid(launcher, &status, 0) == launcher);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - sent).count();
  INFO(nmt::test::read_text(log));
  CHECK(seconds < 30);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  for (const pid_t worker : workers) CHECK(kill(worker, 0) == -1);  // gone (and reaped)
  const auto checkpoints = nmt::list_step_checkpoints(model_dir);
  REQUIRE(checkpoints.size() == 1);
  const auto stops = nmt::test::metrics_events(model_dir, "stop");
  REQUIRE(stops.size() == 1);
  CHECK(stops[0]["step"] == nmt::checkpoint_progress(checkpoints[0]).step);
  CHECK(workers_of_run(model_dir) == 2);
}

// Run alone (ctest RUN_SERIAL, CMakeLists.txt): train.workers: auto counts only idle cores.
TEST_CASE("data parallel: automatic workers that wait for a slow one go on as one process",
          "[train][parallel][slow][workers_fallback]") {
  TempDir dir;
  const auto run = nmt::test::start_background_run(
      dir,
      {"--set", "train.workers=auto", "--set", "train.threads=2", "--set", "train.max_steps=1000",
       "--set", "train.valid_every=100000", "--set", "train.log_every=1"});
  const auto& [config, model_dir, log, launcher] = run;
  // The workers, once both run; rank 1 is slowed by stopping it half of the time.
  std::vector<pid_t> workers;
  wait_until([&] { return (workers = workers_of(launcher)).size() >= 2; });
  INFO(nmt::test::read_text(log));
  REQUIRE(workers.size() == 2);
  const pid_t slow = rank_1_of(workers);
  const auto slowed_until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (kill(slow, 0) == 0 && std::chrono::steady_clock::now() < slowed_until) {
    kill(slow, SIGSTOP);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    kill(slow, SIGCONT);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  int status = 0;
  REQUIRE(waitpid(launcher, &status, 0) == launcher);
  const auto output = nmt::test::read_text(log);
  INFO(output);
  CHECK_THAT(output, Contains("2 workers x 1 thread (train.workers: auto)"));
  CHECK_THAT(output, Contains("going on as one process from the newest checkpoint"));
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  const auto stops = nmt::test::metrics_events(model_dir, "stop");
  REQUIRE(stops.size() == 2);
  CHECK(stops[0]["workers"] == 2);
  CHECK_THAT(stops[0]["reason"].get<std::string>(),
             Contains("worker rank 1 took") && Contains("as long as rank 0"));
  CHECK(stops[1]["workers"] == 1);
  CHECK(stops[1]["step"] == 1000);
  CHECK(stops[1]["reason"] == "max_steps reached");
}
