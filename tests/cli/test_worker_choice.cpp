// train.workers: the rule of `auto` for 1, 2, 4 and 16 cores, with train.threads, a GPU and
// other processes' load; an explicit count; and `nmt train` logging its choice.
#include <catch2/catch.hpp>

#include "cli/worker_choice.h"
#include "support/run_command.h"
#include "support/temp_dir.h"
#include "train/train_fixtures.h"

using Catch::Contains;
using nmt::cli::choose_train_workers;
using nmt::cli::MachineState;

namespace {

MachineState quiet(int cores, int64_t threads = 0) {
  MachineState m;
  m.cores = cores;
  m.threads = threads;
  m.idle_cores = cores;
  return m;
}

}  // namespace

TEST_CASE("worker choice: auto follows the documented rule on a quiet machine", "[cli][workers]") {
  CHECK(choose_train_workers("auto", quiet(1)).workers == 1);
  const auto two = choose_train_workers("auto", quiet(2));
  CHECK(two.workers == 2);
  CHECK_THAT(two.reason, Contains("2 workers x 1 thread") && Contains("2 cores"));
  CHECK(choose_train_workers("auto", quiet(3)).workers == 2);
  const auto four = choose_train_workers("auto", quiet(4));
  CHECK(four.workers == 2);
  CHECK_THAT(four.reason, Contains("2 workers x 2 threads"));
  CHECK(choose_train_workers("auto", quiet(16)).workers == 8);
  CHECK(choose_train_workers("auto", quiet(64)).workers == 8);  // at most 8
}

TEST_CASE("worker choice: train.threads bounds the cores auto uses", "[cli][workers]") {
  CHECK(choose_train_workers("auto", quiet(16, 1)).workers == 1);
  CHECK(choose_train_workers("auto", quiet(16, 2)).workers == 2);
  const auto eight = choose_train_workers("auto", quiet(16, 8));
  CHECK(eight.workers == 4);
  CHECK_THAT(eight.reason, Contains("train.threads 8"));
}

TEST_CASE("worker choice: cores other processes keep busy count as taken", "[cli][workers]") {
  auto shared = quiet(2);
  shared.idle_cores = 1.0;  // one other busy process
  const auto one = choose_train_workers("auto", shared);
  CHECK(one.workers == 1);
  CHECK_THAT(one.reason, Contains("other processes keep 1 core busy") && Contains("0.70x"));
  shared.idle_cores = 1.7;  // a light load rounds to free
  CHECK(choose_train_workers("auto", shared).workers == 2);
  auto big = quiet(16);
  big.idle_cores = 9.2;  // 7 cores busy elsewhere: 9 free
  CHECK(choose_train_workers("auto", big).workers == 4);
  big.idle_cores = -1;  // not measurable: the cores as they are
  CHECK(choose_train_workers("auto", big).workers == 8);
}

TEST_CASE("worker choice: a GPU gets one process, a count is taken as given", "[cli][workers]") {
  auto gpu = quiet(16);
  gpu.gpu = true;
  CHECK(choose_train_workers("auto", gpu).workers == 1);
  CHECK(choose_train_workers("3", quiet(1)).workers == 3);
  CHECK_THAT(choose_train_workers("1", quiet(16)).reason, Contains("train.workers: 1"));
}

TEST_CASE("worker choice: nmt train logs what train.workers chose", "[cli][workers]") {
  nmt::test::TempDir dir;
  nmt::test::write_reverse_corpus(dir, 20, 0);
  const auto config = dir.file("c.yaml");
  nmt::test::write_text(config, nmt::test::tiny_train_yaml(dir, dir.file("model"), false));
  const auto r = nmt::test::run_command(nmt::test::nmt_binary() + " train '" + config +
                                        "' --set train.max_steps=1 --set train.workers=auto");
  INFO(r.output);
  REQUIRE(r.status == 0);
  // The fixture's train.threads is 1: one process, whatever the machine.
  CHECK_THAT(r.output, Contains("[train] 1 process (train.workers: auto): "));
}
