// Every worker of a data-parallel run stops at the same update, whatever stops it: patience,
// the plateau schedule, max_minutes; a resumed run with dropout goes on as an uninterrupted
// one (each rank's random stream is saved); and the others wait for rank 0's validation,
// however long. (max_steps and signals: test_data_parallel.cpp, test_worker_faults.cpp.)
#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "model/checkpoint.h"
#include "support/run_command.h"
#include "train/data_parallel_fixtures.h"
#include "train/train_fixtures.h"

using Catch::Contains;
using nmt::test::nmt_binary;
using nmt::test::quoted;
using nmt::test::require_same_model;
using nmt::test::run_command;
using nmt::test::sets;
using nmt::test::TempDir;
using nmt::test::write_parallel_config;

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
  // A dev set read one sentence at a time: 10-25 s per validation on 2 cores. The timeout, 5 s,
  // leaves the other collectives room when CI runs two multi-process tests at once (with 3 s,
  // one CI run in six lost contact while two such tests ran at once).
  nmt::test::write_reverse_corpus(dir, 240, 8000);
  const auto start = std::chrono::steady_clock::now();
  const auto run = run_command(nmt_binary() + " train " + quoted(config) + " --nproc 2" +
                               sets(dir.file("model")) +
                               " --set train.valid_batch_size=1 --set train.distributed_timeout=5");
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  INFO(run.output);
  REQUIRE(run.status == 0);
  const auto valid = nmt::test::metrics_events(dir.file("model"), "valid");
  REQUIRE(valid.size() == 2);
  CHECK(seconds > 2 * 5);  // the validations outlasted the 5 s timeout
}
