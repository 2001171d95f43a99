// Learning-rate schedules and optimisers by hand, and their registries' errors.
#include <torch/torch.h>

#include <catch2/catch.hpp>

#include "common/config.h"
#include "common/errors.h"
#include "train/config_check.h"
#include "train/optimizer.h"
#include "train/schedule.h"

TEST_CASE("schedule: warmup_rsqrt rises linearly, then decays as 1/sqrt(step)",
          "[train][schedule]") {
  nmt::TrainConfig c;
  c.lr = 1e-3;
  c.schedule = "warmup_rsqrt";
  c.warmup_steps = 100;
  const auto s = nmt::make_schedule(c);
  CHECK(s->lr(1) == Approx(1e-5));    // 1e-3 * 1/100
  CHECK(s->lr(50) == Approx(5e-4));   // half way up
  CHECK(s->lr(100) == Approx(1e-3));  // the peak
  CHECK(s->lr(400) == Approx(5e-4));  // 1e-3 * sqrt(100/400)
}

TEST_CASE("schedule: plateau lowers the rate after patience bad validations", "[train][schedule]") {
  nmt::TrainConfig c;
  c.lr = 1e-3;
  c.schedule = "plateau";
  c.plateau_factor = 0.5;
  c.plateau_patience = 2;
  c.min_lr = 3e-4;
  const auto s = nmt::make_schedule(c);
  s->on_validation(true);
  s->on_validation(false);  // 1 bad: within patience
  CHECK(s->lr(10) == Approx(1e-3));
  s->on_validation(true);  // an improvement starts the count again
  s->on_validation(false);
  CHECK(s->lr(10) == Approx(1e-3));
  s->on_validation(false);  // 2 bad = patience 2: halve, as train.patience 2 would stop here
  CHECK(s->lr(10) == Approx(5e-4));
  const auto saved = s->state();
  s->on_validation(false);
  s->on_validation(false);  // would be 2.5e-4: clamped to min_lr
  CHECK(s->lr(10) == Approx(3e-4));

  const auto restored = nmt::make_schedule(c);
  restored->load_state(saved);
  CHECK(restored->lr(10) == Approx(5e-4));
  CHECK_NOTHROW(restored->load_state(""));  // a checkpoint of another schedule: as it was
  CHECK(restored->lr(10) == Approx(5e-4));
  CHECK_THROWS_WITH(restored->load_state("x"), "bad plateau learning-rate schedule state 'x'");
}

TEST_CASE("schedule: constant ignores validations", "[train][schedule]") {
  nmt::TrainConfig c;
  c.lr = 2e-3;
  const auto s = nmt::make_schedule(c);
  for (int i = 0; i < 4; ++i) s->on_validation(false);
  CHECK(s->lr(1) == Approx(2e-3));
  CHECK(s->lr(100000) == Approx(2e-3));
  // A checkpoint of an older nmt holds "rate count" for every schedule: it resumes.
  CHECK_NOTHROW(s->load_state("0.002 3"));
}

TEST_CASE("schedule and optimiser: an unknown name is one line with the file's line",
          "[train][schedule]") {
  const std::string yaml =
      "model_dir: m\n"
      "data: {train: t, src: en, trg: de}\n"
      "train:\n"
      "  schedule: noam\n";
  const auto error_of = [](const std::string& text, const std::vector<std::string>& sets) {
    try {
      nmt::check_config(nmt::parse_config(text, "x.yaml", sets));
    } catch (const nmt::ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  CHECK(error_of(yaml, {}) ==
        "x.yaml:4: train.schedule: unknown value 'noam' (expected one of: constant, plateau, "
        "warmup_rsqrt)");
  CHECK(error_of(yaml, {"train.schedule=warmup_rsqrt", "train.optimizer=sgd"}) ==
        "--set train.optimizer=sgd: train.optimizer: unknown value 'sgd' (expected one of: "
        "adam, adamw)");
  CHECK(error_of(yaml, {"train.schedule=warmup_rsqrt", "train.optimizer=adamw"}) == "(no error)");
}

TEST_CASE("optimiser: adamw decays the weights apart from the gradient, adam through it",
          "[train][optimizer]") {
  // One step from w = 1 with gradient 0. AdamW shrinks w by lr * weight_decay and its zero
  // gradient moves nothing; Adam adds weight_decay * w = 0.5 to the gradient, and its first
  // step is lr * m / sqrt(v) = lr whatever the gradient's size.
  nmt::TrainConfig c;
  c.lr = 0.1;
  c.weight_decay = 0.5;
  const auto step = [&](const std::string& name) {
    c.optimizer = name;
    auto w = torch::ones({1}, torch::kDouble).requires_grad_();
    const auto optimizer = nmt::make_optimizer(c, {w});
    w.mutable_grad() = torch::zeros({1}, torch::kDouble);
    optimizer->step();
    return w.item<double>();
  };
  CHECK(step("adamw") == Approx(1 - 0.1 * 0.5));
  CHECK(step("adam") == Approx(1 - 0.1).epsilon(1e-6));
  nmt::TrainConfig rate;
  rate.optimizer = "adamw";
  auto w = torch::ones({1}).requires_grad_();
  const auto optimizer = nmt::make_optimizer(rate, {w});
  nmt::set_learning_rate(*optimizer, 0.25);
  CHECK(optimizer->param_groups()[0].options().get_lr() == 0.25);
}
