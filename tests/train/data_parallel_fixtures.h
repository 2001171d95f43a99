// Test support for data-parallel training: the tiny deterministic config, `nmt train` in the
// background and its worker processes, and how many workers a finished run had.
#pragma once

#include <sys/types.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "support/temp_dir.h"
#include "test_paths.h"
#include "train/train_fixtures.h"

namespace nmt::test {

// Deterministic training (no dropout) of the tiny model: 20 updates, validated every 10 on a
// dev set, a loss logged at every update.
inline std::string write_parallel_config(const TempDir& dir) {
  nmt::test::write_reverse_corpus(dir, 240, 20);
  const auto config = dir.file("c.yaml");
  nmt::test::write_text(config, nmt::test::tiny_train_yaml(dir, dir.file("unused"), true));
  return config;
}

// `nmt train CONFIG ARGS...` in the background, its standard error in `log`.
inline pid_t start_launcher(const std::string& config, const std::string& log,
                            std::vector<std::string> args) {
  args.insert(args.begin(), {NMT_BINARY, "train", config});
  const pid_t pid = fork();
  if (pid == 0) {
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    freopen(log.c_str(), "w", stderr);
    execv(NMT_BINARY, argv.data());
    _exit(127);
  }
  return pid;
}

// The worker processes a launcher started (its children), and which of them is rank 1.
inline std::vector<pid_t> workers_of(pid_t launcher) {
  std::istringstream pids(nmt::test::read_text("/proc/" + std::to_string(launcher) + "/task/" +
                                               std::to_string(launcher) + "/children"));
  std::vector<pid_t> workers;
  for (pid_t pid; pids >> pid;) workers.push_back(pid);
  return workers;
}

inline pid_t rank_1_of(const std::vector<pid_t>& workers) {
  const auto environ = nmt::test::read_text("/proc/" + std::to_string(workers[1]) + "/environ");
  return environ.find(std::string("RANK=1") + '\0') != std::string::npos ? workers[1] : workers[0];
}

/// `nmt train` on write_parallel_config's config in `dir`, in the background with `args`
/// (model_dir is dir/model, the launcher's standard error dir/launcher.log).
struct BackgroundRun {
  std::string config, model_dir, log;
  pid_t launcher = -1;
};
inline BackgroundRun start_background_run(const TempDir& dir, std::vector<std::string> args) {
  BackgroundRun run{write_parallel_config(dir), dir.file("model"), dir.file("launcher.log")};
  args.insert(args.begin(), {"--set", "model_dir=" + run.model_dir});
  run.launcher = start_launcher(run.config, run.log, std::move(args));
  return run;
}

inline int workers_of_run(const std::string& model_dir) {
  const auto stops = nmt::test::metrics_events(model_dir, "stop");
  REQUIRE(stops.size() == 1);
  return stops[0].value("workers", 0);
}

}  // namespace nmt::test
