// train.ema through the trainer: validation scores the average and best.ckpt holds it (decay 1
// keeps the first weights), and the average survives an exact resume.
#include <torch/torch.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "common/config.h"
#include "model/checkpoint.h"
#include "model/seq2seq.h"
#include "train/checkpoint_parameters.h"
#include "train/train_fixtures.h"
#include "train/trainer.h"

namespace fs = std::filesystem;

using nmt::test::max_difference;
using nmt::test::parameters_at;

namespace {

double max_difference_of_averages(const std::string& a, const std::string& b) {
  const auto average_a = nmt::read_checkpoint(a).progress.parameter_average;
  const auto average_b = nmt::read_checkpoint(b).progress.parameter_average;
  REQUIRE(!average_a.empty());
  REQUIRE(average_a.size() == average_b.size());
  return max_difference(average_a, average_b);
}

}  // namespace

TEST_CASE("train: with train.ema=1, validation scores and best.ckpt holds the first weights",
          "[train][ema]") {
  nmt::test::TempDir dir;
  nmt::test::write_reverse_corpus(dir, 300, 20);
  const auto model = dir.file("model");
  nmt::train(nmt::parse_config(nmt::test::tiny_train_yaml(dir, model, true), "tiny.yaml",
                               {"train.ema=1", "train.max_steps=6", "train.valid_every=3"}),
             false);
  // The first weights, as the trainer draws them (train.seed, then the model).
  const auto config =
      nmt::parse_config(nmt::checkpoint_config(nmt::best_checkpoint_path(model)), "best.ckpt");
  torch::manual_seed(static_cast<uint64_t>(config.train.seed));
  const nmt::Seq2Seq initial(config.model, 24, 24);
  std::map<std::string, torch::Tensor> first;
  for (const auto& p : initial->named_parameters()) first[p.key()] = p.value();
  CHECK(max_difference(first, parameters_at(nmt::best_checkpoint_path(model))) == 0);
  CHECK(max_difference(
            nmt::read_checkpoint(nmt::step_checkpoint_path(model, 6)).progress.parameter_average,
            first) == 0);
  // The step checkpoint holds the trained weights, which moved.
  CHECK(max_difference(first, parameters_at(nmt::step_checkpoint_path(model, 6))) > 1e-3);
  const auto valid = nmt::test::metrics_events(model, "valid");
  REQUIRE(valid.size() == 2);
  CHECK(valid[0]["loss"].get<double>() == valid[1]["loss"].get<double>());
  CHECK(nmt::read_checkpoint(nmt::best_checkpoint_path(model)).progress.parameter_average.empty());
}

TEST_CASE("train: with train.ema, 10 steps + resume + 10 steps equal 20 steps, average included",
          "[train][ema][resume]") {
  nmt::test::TempDir dir;
  nmt::test::write_reverse_corpus(dir, 300, 0);
  const auto straight = dir.file("straight"), resumed = dir.file("resumed");
  nmt::train(nmt::parse_config(nmt::test::tiny_train_yaml(dir, straight, false), "tiny.yaml",
                               {"train.ema=0.9", "train.max_steps=20"}),
             false);
  fs::create_directories(resumed);
  fs::copy_file(straight + "/spm.model", resumed + "/spm.model");
  const auto yaml = nmt::test::tiny_train_yaml(dir, resumed, false);
  nmt::train(nmt::parse_config(yaml, "tiny.yaml", {"train.ema=0.9", "train.max_steps=10"}), false);
  nmt::train(nmt::parse_config(yaml, "tiny.yaml", {"train.ema=0.9", "train.max_steps=20"}), true);

  const auto a = nmt::step_checkpoint_path(straight, 20),
             b = nmt::step_checkpoint_path(resumed, 20);
  CHECK(max_difference(parameters_at(a), parameters_at(b)) < 1e-6);
  CHECK(max_difference_of_averages(a, b) < 1e-6);
  // The average is not the weights: 20 updates at decay 0.9 keep 0.9^20 = 12% of the first.
  CHECK(max_difference(nmt::read_checkpoint(a).progress.parameter_average, parameters_at(a)) >
        1e-3);
}
