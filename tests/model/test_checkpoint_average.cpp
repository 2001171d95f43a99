// `nmt average`: the mean of hand-made checkpoints computed by hand, one checkpoint averaging
// to itself, one error line for checkpoints that are not of one model, and an average that
// `nmt translate` reads and `nmt train --resume` continues from.
#include <torch/torch.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "common/errors.h"
#include "model/checkpoint.h"
#include "model/checkpoint_average.h"
#include "model/device.h"
#include "support/one_line_error.h"
#include "train/train_fixtures.h"

namespace fs = std::filesystem;
using Catch::Contains;
using nmt::StoredCheckpoint;

namespace {

// A checkpoint of the tiny config (attention `attention`) with the given tensors, at `step`.
StoredCheckpoint hand_made(const nmt::test::TempDir& dir, std::map<std::string, torch::Tensor> t,
                           int64_t step, const std::string& attention = "mlp") {
  StoredCheckpoint c;
  c.tensors = std::move(t);
  c.progress.step = step;
  c.progress.epoch = step / 10;
  c.progress.batch_in_epoch = step % 10;
  c.progress.elapsed_seconds = 1.5 * static_cast<double>(step);
  c.progress.best_metric = 20.0 + static_cast<double>(step);
  c.progress.best_step = step;
  c.progress.schedule_state = "state " + std::to_string(step);
  auto yaml = nmt::test::tiny_train_yaml(dir, dir.file("model"), false);
  const std::string mlp = "attention: {type: mlp}";
  yaml.replace(yaml.find(mlp), mlp.size(), "attention: {type: " + attention + "}");
  c.progress.config_yaml = yaml;
  c.rng = torch::full({5}, step, torch::kUInt8);
  return c;
}

// Where training would write step `step`'s checkpoint in dir/model (the folder made here).
std::string step_file(const nmt::test::TempDir& dir, int64_t step) {
  const auto path = nmt::step_checkpoint_path(dir.file("model"), step);
  fs::create_directories(fs::path(path).parent_path());
  return path;
}

void require_same_progress(const nmt::TrainingProgress& a, const nmt::TrainingProgress& b) {
  CHECK(a.step == b.step);
  CHECK(a.epoch == b.epoch);
  CHECK(a.batch_in_epoch == b.batch_in_epoch);
  CHECK(a.elapsed_seconds == b.elapsed_seconds);
  CHECK(a.best_metric == b.best_metric);
  CHECK(a.best_step == b.best_step);
  CHECK(a.schedule_state == b.schedule_state);
  CHECK(a.config_yaml == b.config_yaml);
}

bool has_optimizer(const std::string& path) {
  torch::serialize::InputArchive archive;
  archive.load_from(path);
  c10::IValue value;
  return archive.try_read("optimizer", value);
}

}  // namespace

TEST_CASE("average: one checkpoint is that checkpoint", "[model][average]") {
  nmt::test::TempDir dir;
  torch::manual_seed(7);
  const auto input = hand_made(dir,
                               {{"encoder.weight", torch::randn({3, 4})},
                                {"decoder.bias", torch::randn({5}, torch::kDouble)},
                                {"attention.count", torch::tensor({3, 1}, torch::kLong)}},
                               /*step=*/40);
  nmt::save_checkpoint(step_file(dir, 40), input);
  const auto before = nmt::generator_state(torch::kCPU);
  nmt::average_checkpoints({step_file(dir, 40)}, dir.file("model"), dir.file("avg.ckpt"));
  CHECK(torch::equal(nmt::generator_state(torch::kCPU),
                     before));  // no model built, no generator touched

  const auto out = nmt::read_checkpoint(dir.file("avg.ckpt"));
  REQUIRE(out.tensors.size() == input.tensors.size());
  for (const auto& [name, t] : input.tensors) {
    CAPTURE(name);
    CHECK(out.tensors.at(name).scalar_type() == t.scalar_type());
    CHECK(torch::equal(out.tensors.at(name), t));
  }
  require_same_progress(out.progress, input.progress);
  CHECK(out.progress.averaged_from == step_file(dir, 40));
  CHECK(torch::equal(out.rng, input.rng));
  CHECK_FALSE(has_optimizer(dir.file("avg.ckpt")));
}

TEST_CASE("average: two hand-made checkpoints give their mean and the newer progress",
          "[model][average]") {
  nmt::test::TempDir dir;
  nmt::save_checkpoint(step_file(dir, 30), hand_made(dir,
                                                     {{"w", torch::tensor({2.0F, 5.0F})},
                                                      {"b", torch::tensor({3.0F})},
                                                      {"n", torch::tensor({4}, torch::kLong)}},
                                                     30));
  nmt::save_checkpoint(step_file(dir, 20), hand_made(dir,
                                                     {{"w", torch::tensor({1.0F, 2.0F})},
                                                      {"b", torch::tensor({1.0F})},
                                                      {"n", torch::tensor({4}, torch::kLong)}},
                                                     20));
  // Given newest first: the progress must be chosen by step, not by order.
  nmt::average_checkpoints({step_file(dir, 30), step_file(dir, 20)}, dir.file("model"),
                           dir.file("avg.ckpt"));
  const auto out = nmt::read_checkpoint(dir.file("avg.ckpt"));
  CHECK(torch::equal(out.tensors.at("w"), torch::tensor({1.5F, 3.5F})));
  CHECK(torch::equal(out.tensors.at("b"), torch::tensor({2.0F})));
  CHECK(torch::equal(out.tensors.at("n"), torch::tensor({4}, torch::kLong)));
  require_same_progress(out.progress, hand_made(dir, {}, 30).progress);
  CHECK(torch::equal(out.rng, hand_made(dir, {}, 30).rng));
}

TEST_CASE("average: checkpoints of different models are refused naming the difference",
          "[model][average]") {
  nmt::test::TempDir dir;
  const std::map<std::string, torch::Tensor> tensors = {{"w", torch::ones({2, 3})}};
  nmt::save_checkpoint(step_file(dir, 10), hand_made(dir, tensors, 10));
  const auto average = [&](const std::vector<std::string>& paths) {
    nmt::average_checkpoints(paths, dir.file("model"), dir.file("avg.ckpt"));
  };

  SECTION("another attention type") {
    nmt::save_checkpoint(step_file(dir, 20), hand_made(dir, tensors, 20, "dot"));
    CHECK_THROWS_WITH(average({step_file(dir, 10), step_file(dir, 20)}),
                      Contains(step_file(dir, 20) + ": differs from " + step_file(dir, 10)) &&
                          Contains("model.attention.type (dot vs mlp)"));
  }
  SECTION("a tensor of another shape") {
    nmt::save_checkpoint(step_file(dir, 20), hand_made(dir, {{"w", torch::ones({3, 2})}}, 20));
    CHECK_THROWS_WITH(average({step_file(dir, 10), step_file(dir, 20)}),
                      Contains("tensor 'w' ([3, 2] Float vs [2, 3] Float)"));
  }
  SECTION("a tensor missing") {
    nmt::save_checkpoint(step_file(dir, 20),
                         hand_made(dir, {{"w", torch::ones({2, 3})}, {"v", torch::ones(1)}}, 20));
    CHECK_THROWS_WITH(average({step_file(dir, 10), step_file(dir, 20)}), Contains("it has 'v'"));
  }
  SECTION("another subword model") {
    nmt::test::write_text(dir.file("model/spm.model"), "ours");
    fs::create_directories(dir.file("other"));
    nmt::test::write_text(dir.file("other/spm.model"), "theirs");
    const auto theirs = nmt::step_checkpoint_path(dir.file("other"), 20);
    fs::create_directories(fs::path(theirs).parent_path());
    nmt::save_checkpoint(theirs, hand_made(dir, tensors, 20));
    CHECK_THROWS_WITH(average({step_file(dir, 10), theirs}),
                      Contains(theirs + ": it was trained with other subword models than " +
                               dir.file("model/spm.model")));
  }
  SECTION("a file given twice, or written over") {
    CHECK_THROWS_WITH(average({step_file(dir, 10), step_file(dir, 10)}), Contains("given twice"));
    CHECK_THROWS_WITH(
        nmt::average_checkpoints({step_file(dir, 10)}, dir.file("model"), step_file(dir, 10)),
        Contains("is one of the checkpoints to average"));
  }
  CHECK_FALSE(fs::exists(dir.file("avg.ckpt")));
}

TEST_CASE("average: nmt translate reads it and nmt train --resume continues from it",
          "[model][average][cli]") {
  nmt::test::TempDir dir;
  nmt::test::write_reverse_corpus(dir, 200, 0);
  const auto config = dir.file("c.yaml");
  nmt::test::write_text(config, nmt::test::tiny_train_yaml(dir, dir.file("model"), false));
  const auto trained = nmt::test::run_nmt("train '" + config +
                                          "' --set train.max_steps=6 --set train.valid_every=2");
  INFO(trained.output);
  REQUIRE(trained.status == 0);
  const auto model = dir.file("model");

  const auto too_many = nmt::test::run_nmt("average --model '" + model + "' --last 5 --output '" +
                                           dir.file("avg.ckpt") + "'");
  CHECK_THAT(nmt::test::require_one_line_error(too_many),
             Contains("--last 5: " + model + " has 3 step checkpoints"));

  const auto averaged = nmt::test::run_nmt("average --model '" + model + "' --last 2 --output '" +
                                           dir.file("avg.ckpt") + "'");
  INFO(averaged.output);
  REQUIRE(averaged.status == 0);
  nmt::test::write_text(dir.file("in.txt"), "red dog\n");
  const auto translated =
      nmt::test::run_nmt("translate --model '" + model + "' --checkpoint '" + dir.file("avg.ckpt") +
                         "' --input '" + dir.file("in.txt") + "'");
  INFO(translated.output);
  CHECK(translated.status == 0);

  // A new model directory whose newest checkpoint is the average.
  const auto next = dir.file("next");
  fs::create_directories(next + "/checkpoints");
  fs::copy_file(model + "/spm.model", next + "/spm.model");
  fs::copy_file(dir.file("avg.ckpt"), nmt::step_checkpoint_path(next, 6));
  const auto resumed = nmt::test::run_nmt("train '" + config + "' --resume --set model_dir='" +
                                          next + "' --set train.max_steps=8");
  INFO(resumed.output);
  REQUIRE(resumed.status == 0);
  CHECK_THAT(resumed.output, Contains("averages 2 checkpoints: the optimiser starts afresh"));
  CHECK(fs::exists(nmt::step_checkpoint_path(next, 8)));
  CHECK(nmt::read_checkpoint(nmt::step_checkpoint_path(next, 8)).progress.averaged_from.empty());
}
