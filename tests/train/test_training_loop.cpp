// The training loop's rules, each on a tiny model: checkpoints kept and chosen, stops,
// accumulation, divergence.
#include <torch/torch.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>

#include "common/config.h"
#include "common/errors.h"
#include "data/batch.h"
#include "model/model_fixtures.h"
#include "train/collective.h"
#include "train/objective.h"
#include "train/train_fixtures.h"
#include "train/trainer.h"

namespace fs = std::filesystem;
using nmt::checkpoint_progress;
using nmt::test::metrics_events;

namespace {

nmt::Config tiny_config(const nmt::test::TempDir& dir, const std::string& model_dir, bool dev,
                        const std::vector<std::string>& sets) {
  return nmt::parse_config(nmt::test::tiny_train_yaml(dir, model_dir, dev), "tiny.yaml", sets);
}

std::vector<int64_t> steps_of(const std::vector<std::string>& checkpoints) {
  std::vector<int64_t> steps;
  for (const auto& c : checkpoints) steps.push_back(checkpoint_progress(c).step);
  return steps;
}

}  // namespace

TEST_CASE("train: accumulate k batches gives the gradients of one batch holding them all",
          "[train][accumulate]") {
  // (Not hard attention: its samples depend on how the pairs are batched.)
  const std::string attention = GENERATE(as<std::string>{}, "mlp", "local_p");
  CAPTURE(attention);
  // Five pairs of different lengths, split 2 + 3, and all five in one batch.
  nmt::EncodedCorpus corpus;
  corpus.src = {{5, 6, 7}, {8, 9}, {10, 11, 12, 13}, {14}, {6, 6, 9, 5, 4}};
  corpus.trg = {{7, 8}, {9, 10, 11}, {12}, {13, 14, 5, 6}, {4, 9}};
  const auto gradients = [&](const std::vector<std::vector<int64_t>>& groups) {
    torch::manual_seed(4);  // the same weights
    nmt::Seq2Seq model(nmt::test::tiny_model_config("gru", 1, nmt::DecoderStyle::luong, attention),
                       16, 16);
    model->train();
    std::vector<nmt::Batch> batches;
    for (const auto& g : groups) batches.push_back(nmt::make_batch(corpus, g));
    int64_t tokens = 0;
    for (const auto& b : batches) tokens += b.trg_tokens;
    const auto loss = nmt::backward_update(*model, batches, {/*label_smoothing=*/0.1}, tokens);
    std::map<std::string, torch::Tensor> grads;
    for (const auto& p : model->named_parameters()) {
      if (p.value().grad().defined()) grads[p.key()] = p.value().grad().clone();
    }
    return std::make_pair(loss, grads);
  };
  const auto [split_loss, split] = gradients({{0, 1}, {2, 3, 4}});
  const auto [whole_loss, whole] = gradients({{0, 1, 2, 3, 4}});
  CHECK(split_loss.tokens == whole_loss.tokens);
  CHECK(split_loss.loss_sum == Approx(whole_loss.loss_sum).epsilon(1e-5));
  REQUIRE(split.size() == whole.size());
  REQUIRE(split.size() > 5);
  for (const auto& [name, grad] : whole) {
    INFO(name);
    CHECK(torch::allclose(split.at(name), grad, 1e-4, 1e-6));
  }
}

TEST_CASE("train: keep_last keeps the newest step checkpoints, and best.ckpt besides",
          "[train][checkpoints]") {
  nmt::test::TempDir dir;
  nmt::test::write_reverse_corpus(dir, 60, 10);
  const auto model = dir.file("model");
  nmt::train(tiny_config(dir, model, true,
                         {"train.max_steps=5", "train.valid_every=1", "train.keep_last=2"}),
             false);
  CHECK(steps_of(nmt::list_step_checkpoints(model)) == std::vector<int64_t>{4, 5});
  // best.ckpt is kept whichever step it holds, that of a pruned step checkpoint too.
  const auto best_step = checkpoint_progress(nmt::list_step_checkpoints(model).back()).best_step;
  REQUIRE(best_step >= 1);
  REQUIRE(fs::is_regular_file(nmt::best_checkpoint_path(model)));
  CHECK(checkpoint_progress(nmt::best_checkpoint_path(model)).step == best_step);
}

TEST_CASE("train: best.ckpt is the best validation by the chosen metric", "[train][checkpoints]") {
  const std::string metric = GENERATE(as<std::string>{}, "loss", "bleu");
  CAPTURE(metric);
  nmt::test::TempDir dir;
  nmt::test::write_reverse_corpus(dir, 200, 20);
  const auto model = dir.file("model");
  nmt::train(tiny_config(dir, model, true,
                         {"train.max_steps=40", "train.valid_every=4", "train.lr=0.03",
                          "train.valid_metric=" + metric}),
             false);
  const auto valid = metrics_events(model, "valid");
  REQUIRE(valid.size() == 10);
  int64_t best_step = 0;
  double best = metric == "loss" ? 1e300 : -1;
  for (const auto& v : valid) {
    const double value = v[metric];
    if (metric == "loss" ? value < best : value > best) {
      best = value;
      best_step = v["step"];
    }
  }
  CAPTURE(best, best_step);
  CHECK(checkpoint_progress(nmt::best_checkpoint_path(model)).step == best_step);
  CHECK(checkpoint_progress(nmt::list_step_checkpoints(model).back()).best_step == best_step);
  if (metric == "loss") CHECK(best_step > 4);  // it did learn: the choice was not the first
}

TEST_CASE("train: best.ckpt is written before the step checkpoint that names it",
          "[train][checkpoints]") {
  nmt::test::TempDir dir;
  nmt::test::write_reverse_corpus(dir, 60, 10);
  // A run that writes both: every step checkpoint names a best step that best.ckpt holds.
  const auto model = dir.file("model");
  nmt::train(tiny_config(dir, model, true, {"train.max_steps=3", "train.valid_every=1"}), false);
  const auto best = checkpoint_progress(nmt::best_checkpoint_path(model)).step;
  int naming = 0;
  for (const auto& checkpoint : nmt::list_step_checkpoints(model)) {
    const auto named = checkpoint_progress(checkpoint).best_step;
    CHECK(named >= 1);
    naming += named == best ? 1 : 0;
  }
  CHECK(naming >= 1);

  // best.ckpt cannot be written (a directory is in the way): training stops at the first
  // validation, and no step checkpoint may name a best step, since none was written.
  const auto blocked = dir.file("blocked");
  fs::create_directories(blocked + "/best.ckpt/x");
  REQUIRE_THROWS(nmt::train(
      tiny_config(dir, blocked, true, {"train.max_steps=3", "train.valid_every=1"}), false));
  for (const auto& checkpoint : nmt::list_step_checkpoints(blocked)) {
    INFO(checkpoint);
    CHECK(checkpoint_progress(checkpoint).best_step == 0);
  }
}

TEST_CASE("train: patience stops and plateau lowers the rate after as many bad validations",
          "[train][stops]") {
  // lr 1e-9: the dev BLEU never improves after the first validation (step 2). Validations
  // at 4 and 6 are bad: plateau_patience 2 halves the rate from update 7 on; patience 3
  // stops after the validation at step 8.
  nmt::test::TempDir dir;
  nmt::test::write_reverse_corpus(dir, 100, 10);
  const auto model = dir.file("model");
  nmt::train(
      tiny_config(dir, model, true,
                  {"train.lr=1e-9", "train.valid_every=2", "train.log_every=1",
                   "train.schedule=plateau", "train.plateau_patience=2", "train.plateau_factor=0.5",
                   "train.min_lr=1e-12", "train.patience=3", "train.valid_metric=bleu"}),
      false);
  const auto stop = metrics_events(model, "stop");
  REQUIRE(stop.size() == 1);
  CHECK(stop[0]["step"] == 8);
  CHECK(stop[0]["reason"] == "no improvement in 3 validations");
  const auto updates = metrics_events(model, "train");
  REQUIRE(updates.size() == 8);
  CHECK(updates[5]["lr"].get<double>() == Approx(1e-9));   // update 6
  CHECK(updates[6]["lr"].get<double>() == Approx(5e-10));  // update 7
}

TEST_CASE("train: max_epochs stops at the end of that epoch", "[train][stops]") {
  nmt::test::TempDir dir;
  nmt::test::write_reverse_corpus(dir, 40, 0);
  const auto model = dir.file("model");
  nmt::train(tiny_config(dir, model, false, {"train.max_epochs=2", "train.log_every=1"}), false);
  const auto stop = metrics_events(model, "stop");
  REQUIRE(stop.size() == 1);
  CHECK(stop[0]["reason"] == "max_epochs reached");
  int64_t first = 0, second = 0;
  for (const auto& u : metrics_events(model, "train")) (u["epoch"] == 1 ? first : second)++;
  CHECK(first > 1);
  CHECK(second == first);  // the same batches, reshuffled
  const auto last = checkpoint_progress(nmt::list_step_checkpoints(model).back());
  CHECK(last.epoch == 2);
  CHECK(last.batch_in_epoch == 0);
  CHECK(last.step == first + second);
}

TEST_CASE("train: a loss that becomes NaN stops training with a clear error", "[train][stops]") {
  nmt::test::TempDir dir;
  nmt::test::write_reverse_corpus(dir, 100, 0);
  const auto model = dir.file("model");
  const auto config = tiny_config(
      dir, model, false,
      {"train.lr=1e30", "train.clip_grad_norm=0", "train.max_steps=50", "train.valid_every=1"});
  try {
    nmt::train(config, false);
    FAIL("training went on with a diverged model");
  } catch (const nmt::Error& e) {
    // The loss, or before it the weights (gradients that overflow under a finite loss).
    CHECK_THAT(e.what(), Catch::Contains("train: the loss became") ||
                             Catch::Contains("train: the weights became infinite or NaN"));
    CHECK_THAT(e.what(), Catch::Contains("training diverged"));
    CHECK_THAT(e.what(), Catch::Contains("lower train.lr"));
  }
  // No checkpoint holds non-finite weights.
  for (const auto& checkpoint : nmt::list_step_checkpoints(model)) {
    const auto config_saved = nmt::parse_config(nmt::checkpoint_config(checkpoint), checkpoint);
    nmt::Seq2Seq m(config_saved.model, 24, 24);
    nmt::load_checkpoint(checkpoint, *m, nullptr);
    for (const auto& p : m->parameters()) CHECK(torch::isfinite(p).all().item<bool>());
  }
}

TEST_CASE("train: the caller's budget and stop request end a run, with a checkpoint to resume",
          "[train][control]") {
  nmt::test::TempDir dir;
  nmt::test::write_reverse_corpus(dir, 60, 0);
  const auto model = dir.file("model");
  const auto config = tiny_config(dir, model, false, {"train.valid_every=1000"});
  const auto alone = nmt::single_process();
  const auto start = nmt::start_training(config, /*resume=*/false, *alone);
  nmt::TrainControl control;

  control.budget.updates = 7;
  auto result = nmt::train(config, start.data, control);
  CHECK(result.step == 7);
  CHECK(result.stop_reason == "update budget reached");
  REQUIRE(nmt::list_step_checkpoints(model).size() == 1);

  const auto at_7 = checkpoint_progress(nmt::list_step_checkpoints(model).back());
  CHECK(at_7.trained_tokens == result.trained_tokens);
  CHECK(at_7.training_seconds == Approx(result.training_seconds));

  // Budgets count the whole run: resumed with the same one, it is at its end already.
  control.resume_from = nmt::list_step_checkpoints(model).back();
  const auto again = nmt::train(config, start.data, control);
  CHECK(again.step == 7);
  CHECK(again.trained_tokens == 0);

  // Tokens: the run ends at the first update that reaches them.
  control = {};
  control.resume_from = nmt::list_step_checkpoints(model).back();
  control.budget.target_tokens = at_7.trained_tokens + 1;
  result = nmt::train(config, start.data, control);
  CHECK(result.step == 8);
  CHECK(result.stop_reason == "token budget reached");
  CHECK(result.trained_tokens > 0);
  const auto at_8 = checkpoint_progress(nmt::list_step_checkpoints(model).back());
  CHECK(at_8.trained_tokens == at_7.trained_tokens + result.trained_tokens);

  // A stop request made before the run starts: it ends before its first update.
  std::atomic<int> stop{15};
  control = {};
  control.resume_from = nmt::list_step_checkpoints(model).back();
  control.stop_request = &stop;
  result = nmt::train(config, start.data, control);
  CHECK(result.step == 8);
  CHECK(result.stop_reason == "signal 15");

  stop = 0;
  control.budget.training_seconds = at_8.training_seconds + 1e-9;
  result = nmt::train(config, start.data, control);
  CHECK(result.step == 9);
  CHECK(result.stop_reason == "training time budget reached");
  CHECK(checkpoint_progress(nmt::list_step_checkpoints(model).back()).step == 9);
}

TEST_CASE("train: train.accumulate=3 makes each update of three batches", "[train][accumulate]") {
  nmt::test::TempDir dir;
  nmt::test::write_reverse_corpus(dir, 400, 0);
  const auto progress_after = [&](const std::string& name, int64_t updates, int accumulate) {
    const auto model = dir.file(name);
    nmt::train(tiny_config(dir, model, false,
                           {"train.max_steps=" + std::to_string(updates), "train.valid_every=100",
                            "train.accumulate=" + std::to_string(accumulate)}),
               false);
    return checkpoint_progress(nmt::list_step_checkpoints(model).back());
  };
  const auto one_by_one = progress_after("single", 6, 1);
  const auto by_three = progress_after("accumulated", 2, 3);
  CHECK(by_three.step == 2);
  CHECK(one_by_one.epoch == 0);  // the same six batches of the first epoch, in the same order
  CHECK(by_three.batch_in_epoch == one_by_one.batch_in_epoch);
  CHECK(by_three.batch_in_epoch == 6);
  CHECK(by_three.trained_tokens == one_by_one.trained_tokens);
}
