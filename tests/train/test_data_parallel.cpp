// `nmt train` with several worker processes (c10d/Gloo on loopback): N workers train the same
// model as one process, two "machines" started by hand train the same model as --nproc 2, and
// bad launches are one clear line each. Stopping together: test_data_parallel_stops.cpp; signals
// and faults: test_worker_faults.cpp.
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "build_info.h"
#include "support/one_line_error.h"
#include "support/run_command.h"
#include "train/data_parallel_fixtures.h"
#include "train/train_fixtures.h"
#if NMT_HAVE_C10D
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#endif

using Catch::Contains;
using nmt::test::bound_loopback_socket;
using nmt::test::free_port;
using nmt::test::nmt_binary;
using nmt::test::quoted;
using nmt::test::require_same_model;
using nmt::test::require_two_workers_train_as_one;
using nmt::test::run_command;
using nmt::test::sets;
using nmt::test::TempDir;
using nmt::test::workers_of_run;
using nmt::test::write_parallel_config;

TEST_CASE("data parallel: 2 workers train the same model as 1 process", "[train][parallel]") {
  TempDir dir;
  require_two_workers_train_as_one(dir);
  // Validation ran once, on rank 0, and its verdict is the one process's.
  const auto valid_one = nmt::test::metrics_events(dir.file("one"), "valid");
  const auto valid_two = nmt::test::metrics_events(dir.file("two"), "valid");
  REQUIRE(valid_two.size() == 2);
  REQUIRE(valid_one.size() == 2);
  CHECK(valid_two[1]["best_step"] == valid_one[1]["best_step"]);
  CHECK(valid_two[1]["loss"].get<double>() == Approx(valid_one[1]["loss"].get<double>()));
}

TEST_CASE("data parallel: the Transformer with 2 workers trains the same model as 1 process",
          "[train][parallel][transformer_decoder]") {
  TempDir dir;
  require_two_workers_train_as_one(
      dir,
      " --set model.encoder.type=transformer --set model.encoder.heads=2"
      " --set model.encoder.ff_size=32 --set model.decoder.type=transformer"
      " --set model.decoder.embedding_dim=16 --set model.decoder.heads=2"
      " --set model.decoder.ff_size=32");
}

TEST_CASE("data parallel: with train.ema, 2 workers keep the average of 1 process",
          "[train][parallel][ema]") {
  TempDir dir;
  require_two_workers_train_as_one(dir, " --set train.ema=0.9");
  // The averages of the last step checkpoints, and best.ckpt (an average), as closely.
  const auto expected = nmt::read_checkpoint(nmt::step_checkpoint_path(dir.file("one"), 20));
  const auto actual = nmt::read_checkpoint(nmt::step_checkpoint_path(dir.file("two"), 20));
  REQUIRE(!expected.progress.parameter_average.empty());
  const auto best_one = nmt::read_checkpoint(nmt::best_checkpoint_path(dir.file("one")));
  const auto best_two = nmt::read_checkpoint(nmt::best_checkpoint_path(dir.file("two")));
  for (const auto& [name, value] : expected.progress.parameter_average) {
    INFO(name);
    const double norm = value.norm().item<double>();
    CHECK((actual.progress.parameter_average.at(name) - value).norm().item<double>() <=
          1e-5 * norm);
    CHECK((best_two.tensors.at(name) - best_one.tensors.at(name)).norm().item<double>() <=
          1e-5 * best_one.tensors.at(name).norm().item<double>());
  }
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
