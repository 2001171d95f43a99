// `nmt train` with several worker processes (c10d/Gloo on loopback): N workers train the same
// model as one process, two "machines" started by hand train the same model as --nproc 2, and
// bad launches are one clear line each. Signals and faults: test_worker_faults.cpp.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "build_info.h"
#include "common/config.h"
#include "model/checkpoint.h"
#include "model/seq2seq.h"
#include "support/one_line_error.h"
#include "support/run_command.h"
#include "train/data_parallel_fixtures.h"
#include "train/train_fixtures.h"
#if NMT_HAVE_C10D
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#endif

namespace fs = std::filesystem;
using Catch::Contains;
using nmt::test::nmt_binary;
using nmt::test::quoted;
using nmt::test::run_command;
using nmt::test::TempDir;
using nmt::test::workers_of_run;
using nmt::test::write_parallel_config;

namespace {

std::string sets(const std::string& model_dir, int steps = 20) {
  return " --set model_dir=" + quoted(model_dir) +
         " --set train.max_steps=" + std::to_string(steps) +
         " --set model.encoder.dropout=0 --set model.decoder.dropout=0"
         " --set train.valid_every=10 --set train.log_every=1 --set train.distributed_timeout=20";
}

// A TCP socket bound to a loopback port the kernel picks: {descriptor, port}.
std::pair<int, int> bound_loopback_socket() {
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
int free_port() {
  const auto [fd, port] = bound_loopback_socket();
  close(fd);
  return port;
}

std::map<std::string, torch::Tensor> final_parameters(const std::string& model_dir) {
  const auto checkpoints = nmt::list_step_checkpoints(model_dir);
  REQUIRE(!checkpoints.empty());
  const auto& path = checkpoints.back();
  const auto config = nmt::parse_config(nmt::checkpoint_config(path), path);
  nmt::Seq2Seq model(config.model, 24, 24);
  nmt::load_checkpoint(path, *model, nullptr);
  std::map<std::string, torch::Tensor> parameters;
  for (const auto& p : model->named_parameters()) parameters[p.key()] = p.value().clone();
  return parameters;
}

std::vector<double> train_losses(const std::string& model_dir) {
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
void require_same_model(const std::string& expected_dir, const std::string& actual_dir) {
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

}  // namespace

TEST_CASE("data parallel: 2 workers train the same model as 1 process", "[train][parallel]") {
  TempDir dir;
  const auto config = write_parallel_config(dir);
  const auto one = run_command(nmt_binary() + " train " + quoted(config) + sets(dir.file("one")));
  INFO(one.output);
  REQUIRE(one.status == 0);
  const auto two =
      run_command(nmt_binary() + " train " + quoted(config) + " --nproc 2" + sets(dir.file("two")));
  INFO(two.output);
  REQUIRE(two.status == 0);
  REQUIRE(workers_of_run(dir.file("one")) == 1);
  REQUIRE(workers_of_run(dir.file("two")) == 2);
  require_same_model(dir.file("one"), dir.file("two"));
  // Validation ran once, on rank 0, and its verdict is the one process's.
  const auto valid_one = nmt::test::metrics_events(dir.file("one"), "valid");
  const auto valid_two = nmt::test::metrics_events(dir.file("two"), "valid");
  REQUIRE(valid_two.size() == 2);
  REQUIRE(valid_one.size() == 2);
  CHECK(valid_two[1]["best_step"] == valid_one[1]["best_step"]);
  CHECK(valid_two[1]["loss"].get<double>() == Approx(valid_one[1]["loss"].get<double>()));
}

#if NMT_HAVE_C10D  // the test serves the store itself
TEST_CASE("data parallel: under torchrun's agent store, rank 0 joins it instead of listening",
          "[train][parallel]") {
  TempDir dir;
  const auto config = write_parallel_config(dir);
  const int port = free_port();
  // What torchrun's agent does before it starts the workers: it serves the store on the port.
  c10d::TCPStoreOptions options;
  options.port = static_cast<uint16_t>(port);
  options.isServer = true;
  options.waitWorkers = false;
  options.timeout = std::chrono::seconds(60);
  c10d::TCPStore agent("127.0.0.1", options);
  const auto worker = [&](int rank) {
    const auto r = std::to_string(rank);
    return "TORCHELASTIC_USE_AGENT_STORE=True WORLD_SIZE=2 RANK=" + r + " LOCAL_RANK=" + r +
           " LOCAL_WORLD_SIZE=2 MASTER_ADDR=127.0.0.1 MASTER_PORT=" + std::to_string(port) +
           " timeout -s KILL 120 " + nmt_binary() + " train " + quoted(config) +
           sets(dir.file("model"));
  };
  const auto run = run_command("{ " + worker(1) + " > " + quoted(dir.file("rank1.log")) +
                               " 2>&1 & " + worker(0) + "; s=$?; wait; exit $s; }");
  INFO(run.output);
  INFO(nmt::test::read_text(dir.file("rank1.log")));
  REQUIRE(run.status == 0);
  CHECK(workers_of_run(dir.file("model")) == 2);
}
#endif

TEST_CASE("data parallel: an IPv6 master in brackets", "[train][parallel]") {
  TempDir dir;
  const auto config = write_parallel_config(dir);
  const auto run = run_command(nmt_binary() + " train " + quoted(config) +
                               " --nproc 2 --master '[::1]:" + std::to_string(free_port()) + "'" +
                               sets(dir.file("model")));
  INFO(run.output);
  REQUIRE(run.status == 0);
  CHECK(workers_of_run(dir.file("model")) == 2);
}

TEST_CASE("data parallel: two machines started by hand train the same model as --nproc 2",
          "[train][parallel]") {
  TempDir dir;
  const auto config = write_parallel_config(dir);
  const auto two =
      run_command(nmt_binary() + " train " + quoted(config) + " --nproc 2" + sets(dir.file("two")));
  INFO(two.output);
  REQUIRE(two.status == 0);
  const auto master = " --nnodes 2 --master 127.0.0.1:" + std::to_string(free_port());
  const auto node = [&](int rank) {
    return "timeout -s KILL 120 " + nmt_binary() + " train " + quoted(config) + master +
           " --node-rank " + std::to_string(rank) + sets(dir.file("nodes"));
  };
  const auto nodes = run_command("{ " + node(1) + " > " + quoted(dir.file("node1.log")) +
                                 " 2>&1 & n1=$!; " + node(0) + "; n0=$?; wait $n1; n1=$?; " +
                                 "cat " + quoted(dir.file("node1.log")) + "; exit $((n0 | n1)); }");
  INFO(nodes.output);
  REQUIRE(nodes.status == 0);
  REQUIRE(workers_of_run(dir.file("nodes")) == 2);
  require_same_model(dir.file("two"), dir.file("nodes"));
}

TEST_CASE("data parallel: resuming with another number of workers goes on with the same model",
          "[train][parallel]") {
  TempDir dir;
  const auto config = write_parallel_config(dir);
  const auto whole = run_command(nmt_binary() + " train " + quoted(config) + sets(dir.file("one")));
  INFO(whole.output);
  REQUIRE(whole.status == 0);
  // 1 process for 10 updates, then 2 workers to 20.
  const auto first =
      run_command(nmt_binary() + " train " + quoted(config) + sets(dir.file("grown"), 10));
  INFO(first.output);
  REQUIRE(first.status == 0);
  const auto second = run_command(nmt_binary() + " train " + quoted(config) + " --nproc 2" +
                                  sets(dir.file("grown")) + " --resume");
  INFO(second.output);
  REQUIRE(second.status == 0);
  require_same_model(dir.file("one"), dir.file("grown"));
}

TEST_CASE("data parallel: patience and the plateau schedule stop every worker at one update",
          "[train][parallel]") {
  TempDir dir;
  const auto config = write_parallel_config(dir);
  // A rate high enough that the dev loss soon stops improving.
  const std::string rule = GENERATE(as<std::string>{}, " --set train.patience=2",
                                    " --set train.schedule=plateau --set train.plateau_patience=1"
                                    " --set train.plateau_factor=0.5 --set train.patience=4");
  CAPTURE(rule);
  const auto run = run_command(nmt_binary() + " train " + quoted(config) + " --nproc 2" +
                               sets(dir.file("model"), 400) + rule +
                               " --set train.lr=0.3 --set train.valid_metric=loss"
                               " --set train.valid_every=5");
  INFO(run.output);
  REQUIRE(run.status == 0);  // every worker ended well: none waited for another in vain
  const auto stops = nmt::test::metrics_events(dir.file("model"), "stop");
  REQUIRE(stops.size() == 1);
  CHECK_THAT(stops[0]["reason"].get<std::string>(), Contains("no improvement"));
  CHECK(stops[0]["step"] < 400);
  CHECK(stops[0]["workers"] == 2);
  CHECK(nmt::checkpoint_progress(nmt::list_step_checkpoints(dir.file("model")).back()).step ==
        stops[0]["step"]);
  if (rule.find("plateau") != std::string::npos) {
    const auto updates = nmt::test::metrics_events(dir.file("model"), "train");
    REQUIRE(!updates.empty());
    CHECK(updates.back()["lr"].get<double>() < 0.3);  // lowered on the way
  }
}

TEST_CASE("data parallel: max_minutes stops every worker at one update with a checkpoint",
          "[train][parallel]") {
  TempDir dir;
  const auto config = write_parallel_config(dir);
  const auto start = std::chrono::steady_clock::now();
  const auto run = run_command(nmt_binary() + " train " + quoted(config) + " --nproc 2" +
                               sets(dir.file("model"), 1000000) +
                               " --set train.max_minutes=0.05 --set train.valid_every=100000");
  INFO(run.output);
  REQUIRE(run.status == 0);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(40));
  const auto stops = nmt::test::metrics_events(dir.file("model"), "stop");
  REQUIRE(stops.size() == 1);
  CHECK(stops[0]["reason"] == "max_minutes reached");
  CHECK(stops[0]["workers"] == 2);
  const auto checkpoints = nmt::list_step_checkpoints(dir.file("model"));
  REQUIRE(!checkpoints.empty());
  CHECK(nmt::checkpoint_progress(checkpoints.back()).step == stops[0]["step"]);
}

TEST_CASE("data parallel: with dropout, 2 workers resumed equal 2 workers uninterrupted",
          "[train][parallel][resume]") {
  TempDir dir;
  const auto config = write_parallel_config(dir);
  const std::string dropout = " --set model.encoder.dropout=0.3 --set model.decoder.dropout=0.3";
  const auto whole = run_command(nmt_binary() + " train " + quoted(config) + " --nproc 2" +
                                 sets(dir.file("whole")) + dropout);
  INFO(whole.output);
  REQUIRE(whole.status == 0);
  const auto first = run_command(nmt_binary() + " train " + quoted(config) + " --nproc 2" +
                                 sets(dir.file("resumed"), 10) + dropout);
  INFO(first.output);
  REQUIRE(first.status == 0);
  const auto second = run_command(nmt_binary() + " train " + quoted(config) + " --nproc 2" +
                                  sets(dir.file("resumed")) + dropout + " --resume");
  INFO(second.output);
  REQUIRE(second.status == 0);
  require_same_model(dir.file("whole"), dir.file("resumed"));
}

TEST_CASE("data parallel: a validation longer than train.distributed_timeout is waited for",
          "[train][parallel][validation][slow]") {
  TempDir dir;
  const auto config = write_parallel_config(dir);
  // A dev set read one sentence at a time: ~4 s per validation on the machine it was written on.
  nmt::test::write_reverse_corpus(dir, 240, 8000);
  const auto start = std::chrono::steady_clock::now();
  const auto run = run_command(nmt_binary() + " train " + quoted(config) + " --nproc 2" +
                               sets(dir.file("model")) +
                               " --set train.valid_batch_size=1 --set train.distributed_timeout=3");
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  INFO(run.output);
  REQUIRE(run.status == 0);
  const auto valid = nmt::test::metrics_events(dir.file("model"), "valid");
  REQUIRE(valid.size() == 2);
  CHECK(seconds > 2 * 3);  // the validations outlasted the 3 s timeout
}

TEST_CASE("data parallel: bad launches are one clear line, quickly", "[train][parallel][cli]") {
  TempDir dir;
  const auto config = write_parallel_config(dir);
  const auto train =
      " train " + quoted(config) + sets(dir.file("model")) + " --set train.distributed_timeout=3";
  const auto timed = [&](const std::string& command) {
    const auto start = std::chrono::steady_clock::now();
    auto r = nmt::test::run_nmt(command);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    CHECK(seconds < 30);
    return r;
  };

  SECTION("the port is in use") {
    const auto [fd, bound_port] = bound_loopback_socket();
    REQUIRE(listen(fd, 4) == 0);
    const auto port = std::to_string(bound_port);
    const auto line =
        nmt::test::require_one_line_error(timed(train + " --nproc 2 --master 127.0.0.1:" + port));
    close(fd);
    CHECK_THAT(line, Contains("cannot listen on 127.0.0.1:" + port));
  }
  SECTION("the master does not answer") {
    const auto port = std::to_string(free_port());
    const auto line = nmt::test::require_one_line_error(
        timed(train + " --nnodes 2 --node-rank 1 --master 127.0.0.1:" + port));
    CHECK_THAT(line, Contains("cannot reach the master 127.0.0.1:" + port + " within 3 s"));
  }
  SECTION("the other machine never joins: one line after train.distributed_timeout, not twice it") {
    const auto start = std::chrono::steady_clock::now();
    const auto line = nmt::test::require_one_line_error(
        timed(" train " + quoted(config) + sets(dir.file("model")) +
              " --set train.distributed_timeout=5 --nnodes 2 --node-rank 0 --master 127.0.0.1:" +
              std::to_string(free_port())));
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(9500));
    CHECK_THAT(line, Contains("did not all join") && Contains("within 5 s"));
  }
  SECTION("RANK is not below WORLD_SIZE") {
    const auto r = run_command(
        "RANK=2 WORLD_SIZE=2 MASTER_ADDR=127.0.0.1 MASTER_PORT=1234 "
        "timeout -s KILL 60 " +
        nmt_binary() + train);
    const auto line = nmt::test::require_one_line_error(r);
    CHECK_THAT(line, Contains("RANK=2 is not below WORLD_SIZE=2"));
  }
  SECTION("the machines' configs differ") {
    const auto master = " --nnodes 2 --master 127.0.0.1:" + std::to_string(free_port());
    const auto log1 = dir.file("node1.log");
    const auto r = run_command("{ timeout -s KILL 60 " + nmt_binary() + train + master +
                               " --node-rank 1 --set train.lr=0.02 > " + quoted(log1) +
                               " 2>&1 & n1=$!; timeout -s KILL 60 " + nmt_binary() + train +
                               master + " --node-rank 0; n0=$?; wait $n1; echo $? > " +
                               quoted(dir.file("status1")) + "; exit $n0; }");
    const auto line = nmt::test::require_one_line_error(r);
    CHECK_THAT(line, Contains("configs differ"));
    CHECK_THAT(line, Contains("train.lr"));
    const nmt::test::CommandResult node1{std::stoi(nmt::test::read_text(dir.file("status1"))),
                                         nmt::test::read_text(log1)};
    const auto line1 = nmt::test::require_one_line_error(node1);
    CHECK_THAT(line1, Contains("configs differ"));
  }
  SECTION("an error every worker meets is said once") {
    const auto line =
        nmt::test::require_one_line_error(timed(train + " --nproc 2 --set data.max_len=1"));
    CHECK_THAT(line, Contains("rank 0: data.train: no training pairs left"));
  }
  SECTION("--node-rank is not below --nnodes") {
    const auto line = nmt::test::require_one_line_error(
        timed(train + " --nnodes 2 --node-rank 2 --master 127.0.0.1:1234"));
    CHECK_THAT(line, Contains("--node-rank 2 is not below --nnodes 2"));
  }
  SECTION("several machines without --master") {
    const auto line = nmt::test::require_one_line_error(timed(train + " --nnodes 2 --node-rank 0"));
    CHECK_THAT(line, Contains("--nnodes 2 needs --master HOST:PORT"));
  }
  SECTION("a master host that cannot be resolved, at once and without c10d's logging") {
    const auto by_option = nmt::test::require_one_line_error(
        timed(train + " --nproc 2 --master no-such-host.invalid:29500"));
    CHECK_THAT(by_option, Contains("--master 'no-such-host.invalid': cannot resolve the host"));
    const auto start = std::chrono::steady_clock::now();
    const auto r = run_command(
        "RANK=1 WORLD_SIZE=2 MASTER_ADDR=no-such-host.invalid MASTER_PORT=29500 "
        "timeout -s KILL 60 " +
        nmt_binary() + " train " + quoted(config) + sets(dir.file("model")) +
        " --set train.distributed_timeout=30");
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(15));
    const auto by_variable = nmt::test::require_one_line_error(r);
    CHECK_THAT(by_variable, Contains("MASTER_ADDR 'no-such-host.invalid': cannot resolve"));
    CHECK(r.output.find("c10d") == std::string::npos);
  }
  SECTION("RANK without WORLD_SIZE") {
    const auto r = run_command("RANK=1 timeout -s KILL 60 " + nmt_binary() + train);
    const auto line = nmt::test::require_one_line_error(r);
    CHECK_THAT(line, Contains("RANK=1 is set but WORLD_SIZE is not"));
    CHECK_FALSE(std::filesystem::exists(dir.file("model")));
  }
  SECTION("more workers than the machine can hold") {
    const auto line = nmt::test::require_one_line_error(timed(train + " --nproc 1000"));
    CHECK_THAT(line, Contains("--nproc 1000: more than 4 workers per core"));
  }
  SECTION("--master is not HOST:PORT") {
    const auto line = nmt::test::require_one_line_error(timed(train + " --nproc 2 --master x"));
    CHECK_THAT(line, Contains("--master 'x': expected HOST:PORT"));
  }
}
