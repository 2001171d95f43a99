// Test support for data-parallel training: the tiny deterministic config and its --set options,
// `nmt train` in the background and its worker processes, how many workers a finished run had,
// free loopback ports, and the check that two runs trained the same model.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "common/config.h"
#include "model/checkpoint.h"
#include "model/seq2seq.h"
#include "support/run_command.h"
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

/// Polls `done` every 50 ms for up to `seconds`; whether it came true (a test REQUIREs it).
template <class Predicate>
bool wait_until(Predicate done, int seconds = 60) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return true;
}

// A worker shows RANK in /proc/PID/environ only once it has exec'd: the launcher sets it between
// fork and exec, and the launcher lists a child as soon as it is forked.
inline pid_t rank_1_of(const std::vector<pid_t>& workers) {
  const std::string rank_1 = std::string(1, '\0') + "RANK=1" + '\0';
  pid_t found = -1;
  wait_until([&] {
    for (const pid_t worker : workers) {
      const auto variables = '\0' + read_text("/proc/" + std::to_string(worker) + "/environ");
      if (variables.find(rank_1) != std::string::npos) found = worker;
    }
    return found != -1;
  });
  REQUIRE(found != -1);
  return found;
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

// The --set options of a deterministic run (no dropout) of `steps` updates into `model_dir`,
// validated every 10, a loss logged at every update.
inline std::string sets(const std::string& model_dir, int steps = 20) {
  return " --set model_dir=" + quoted(model_dir) +
         " --set train.max_steps=" + std::to_string(steps) +
         " --set model.encoder.dropout=0 --set model.decoder.dropout=0"
         " --set train.valid_every=10 --set train.log_every=1 --set train.distributed_timeout=20";
}

// A TCP socket bound to a loopback port the kernel picks: {descriptor, port}.
inline std::pair<int, int> bound_loopback_socket() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address = {};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  REQUIRE(getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0);
  return {fd, ntohs(address.sin_port)};
}

// A port the kernel just handed out and took back: free for the next moment.
inline int free_port() {
  const auto [fd, port] = bound_loopback_socket();
  close(fd);
  return port;
}

// A bias on attention keys adds q·b to all of a query's scores, which the softmax cancels: its
// gradient is rounding noise, which Adam's normalisation turns into steps as large as any other.
// So the keys' share of the Transformer's fused projection biases is left out of comparisons.
inline torch::Tensor without_key_bias(const std::string& name, const torch::Tensor& value) {
  const auto ends_with = [&](const std::string& end) {
    return name.size() >= end.size() &&
           name.compare(name.size() - end.size(), end.size(), end) == 0;
  };
  if (ends_with(".qkv.bias") || ends_with(".self_qkv.bias")) {  // [q; k; v]
    const int64_t d = value.size(0) / 3;
    return torch::cat({value.slice(0, 0, d), value.slice(0, 2 * d)});
  }
  if (ends_with(".source_kv.bias")) return value.slice(0, value.size(0) / 2);  // [k; v]
  return value;
}

// The parameters of the newest step checkpoint in `model_dir` (without_key_bias).
inline std::map<std::string, torch::Tensor> final_parameters(const std::string& model_dir) {
  const auto checkpoints = nmt::list_step_checkpoints(model_dir);
  REQUIRE(!checkpoints.empty());
  const auto& path = checkpoints.back();
  const auto config = nmt::parse_config(nmt::checkpoint_config(path), path);
  nmt::Seq2Seq model(config.model, 24, 24);
  nmt::load_checkpoint(path, *model, nullptr);
  std::map<std::string, torch::Tensor> parameters;
  for (const auto& p : model->named_parameters()) {
    parameters[p.key()] = without_key_bias(p.key(), p.value()).clone();
  }
  return parameters;
}

// The loss of every update, from metrics.jsonl.
inline std::vector<double> train_losses(const std::string& model_dir) {
  std::vector<double> losses;
  for (const auto& e : nmt::test::metrics_events(model_dir, "train")) {
    losses.push_back(e["loss"].get<double>());
  }
  return losses;
}

// Every parameter tensor the same within 1e-5 relative (the norm of the difference against
// the norm of the tensor), and the same loss at every update. The sums of the gradients run in
// another order, so they differ in the last bits of fp32, and Adam divides by the gradients'
// running scale, which makes such differences larger in weights whose gradients are ~0.
inline void require_same_model(const std::string& expected_dir, const std::string& actual_dir) {
  const auto expected = final_parameters(expected_dir);
  const auto actual = final_parameters(actual_dir);
  REQUIRE(expected.size() == actual.size());
  for (const auto& [name, value] : expected) {
    INFO(name);
    const double difference = (actual.at(name) - value).norm().item<double>();
    CHECK(difference <= 1e-5 * value.norm().item<double>());
  }
  const auto expected_losses = train_losses(expected_dir);
  const auto actual_losses = train_losses(actual_dir);
  REQUIRE(expected_losses.size() == 20);
  REQUIRE(actual_losses.size() == expected_losses.size());
  for (size_t i = 0; i < expected_losses.size(); ++i) {
    INFO("update " << i + 1);
    CHECK(actual_losses[i] == Approx(expected_losses[i]).epsilon(1e-5));
  }
}

/// `nmt train` on write_parallel_config's config in `dir` (which it writes), with sets(), then
/// `extra` (" --set KEY=VALUE" ...): once in one process (model dir dir/one) and once with
/// --nproc 2 (dir/two). Requires both to succeed, with 1 and 2 workers, and the same model.
inline void require_two_workers_train_as_one(const TempDir& dir, const std::string& extra = "") {
  const auto config = write_parallel_config(dir);
  const auto one =
      run_command(nmt_binary() + " train " + quoted(config) + sets(dir.file("one")) + extra);
  INFO(one.output);
  REQUIRE(one.status == 0);
  const auto two = run_command(nmt_binary() + " train " + quoted(config) + " --nproc 2" +
                               sets(dir.file("two")) + extra);
  INFO(two.output);
  REQUIRE(two.status == 0);
  REQUIRE(workers_of_run(dir.file("one")) == 1);
  REQUIRE(workers_of_run(dir.file("two")) == 2);
  require_same_model(dir.file("one"), dir.file("two"));
}

}  // namespace nmt::test
