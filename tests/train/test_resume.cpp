// Resume is exact: 20 updates straight equal 10 updates, a stop, --resume and 10 more; within
// an epoch and across epoch boundaries, for hard attention's sampling and baseline, and for the
// Transformer.
#include <torch/torch.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <numeric>

#include "common/config.h"
#include "model/checkpoint.h"
#include "model/seq2seq.h"
#include "train/checkpoint_parameters.h"
#include "train/train_fixtures.h"
#include "train/trainer.h"

namespace fs = std::filesystem;

using nmt::test::max_difference;
using nmt::test::parameters_at;

TEST_CASE("train: 10 steps + resume + 10 steps equal 20 steps", "[train][resume]") {
  // 300 pairs: ~25 batches, all 20 steps in epoch 1. 30 pairs: a few batches an epoch.
  const int pairs = GENERATE(300, 30);
  // RNN decoders with mlp and hard attention, and the Transformer with its warm-up schedule.
  const std::string variant = GENERATE(as<std::string>{}, "mlp", "hard", "transformer");
  CAPTURE(pairs, variant);
  nmt::test::TempDir dir;
  nmt::test::write_reverse_corpus(dir, pairs, 0);
  const auto straight_dir = dir.file("straight"), resumed_dir = dir.file("resumed");
  std::vector<std::string> sets = {"model.attention.type=" + variant};
  if (variant == "transformer") {
    sets = {"model.encoder.type=transformer",
            "model.encoder.heads=2",
            "model.encoder.ff_size=16",
            "model.decoder.type=transformer",
            "model.decoder.embedding_dim=16",
            "model.decoder.heads=2",
            "model.decoder.ff_size=16",
            "train.schedule=warmup_rsqrt",
            "train.warmup_steps=8"};
  }
  const auto with = [&](const std::string& set) {
    auto all = sets;
    all.push_back(set);
    return all;
  };
  const auto straight = nmt::parse_config(nmt::test::tiny_train_yaml(dir, straight_dir, false),
                                          "tiny.yaml", with("train.max_steps=20"));
  nmt::train(straight, /*resume=*/false);

  // The same subword model for both runs (SentencePiece training is not bit-reproducible).
  fs::create_directories(resumed_dir);
  fs::copy_file(straight_dir + "/spm.model", resumed_dir + "/spm.model");
  const auto yaml = nmt::test::tiny_train_yaml(dir, resumed_dir, false);
  nmt::train(nmt::parse_config(yaml, "tiny.yaml", with("train.max_steps=10")), false);
  REQUIRE(nmt::list_step_checkpoints(resumed_dir).back() ==
          nmt::step_checkpoint_path(resumed_dir, 10));
  const auto at_stop = nmt::checkpoint_progress(nmt::step_checkpoint_path(resumed_dir, 10));
  if (pairs == 30) REQUIRE(at_stop.epoch >= 1);  // the run resumes after an epoch boundary
  nmt::train(nmt::parse_config(yaml, "tiny.yaml", with("train.max_steps=20")), /*resume=*/true);

  const auto a = parameters_at(nmt::step_checkpoint_path(straight_dir, 20));
  const auto b = parameters_at(nmt::step_checkpoint_path(resumed_dir, 20));
  REQUIRE(a.size() == b.size());
  CHECK(max_difference(a, b) < 1e-6);
  const auto at_end = nmt::checkpoint_progress(nmt::step_checkpoint_path(resumed_dir, 20));
  if (pairs == 30) CHECK(at_end.epoch > at_stop.epoch);  // and crosses another
  // And training did move the parameters: the comparison is not of two untouched models.
  const auto initial_dir = dir.file("initial");
  fs::create_directories(initial_dir);
  fs::copy_file(straight_dir + "/spm.model", initial_dir + "/spm.model");
  nmt::train(nmt::parse_config(nmt::test::tiny_train_yaml(dir, initial_dir, false), "tiny.yaml",
                               with("train.max_steps=1")),
             false);
  const auto one_step = parameters_at(nmt::step_checkpoint_path(initial_dir, 1));
  const double moved = max_difference(a, one_step);
  CHECK(moved > 1e-3);
}

TEST_CASE("train: after a resume, metrics.jsonl holds each step once", "[train][resume]") {
  nmt::test::TempDir dir;
  nmt::test::write_reverse_corpus(dir, 200, 0);
  const auto model = dir.file("model");
  const auto yaml = nmt::test::tiny_train_yaml(dir, model, false);
  const auto config = [&](int steps) {
    return nmt::parse_config(yaml, "tiny.yaml",
                             {"train.max_steps=" + std::to_string(steps), "train.log_every=1",
                              "train.valid_every=5", "train.keep_last=10"});
  };
  nmt::train(config(8), false);
  // As after a crash at step 8: its last checkpoint is step 5's, its metrics go to step 8.
  fs::remove(nmt::step_checkpoint_path(model, 8));
  REQUIRE(nmt::list_step_checkpoints(model).back() == nmt::step_checkpoint_path(model, 5));
  nmt::train(config(12), true);
  std::vector<int64_t> steps;
  for (const auto& e : nmt::test::metrics_events(model, "train")) steps.push_back(e["step"]);
  std::vector<int64_t> expected(12);
  std::iota(expected.begin(), expected.end(), 1);
  CHECK(steps == expected);
  const auto stops = nmt::test::metrics_events(model, "stop");
  REQUIRE(stops.size() == 1);  // the first run's stop at step 8 was after the checkpoint
  CHECK(stops[0]["step"] == 12);
}
