// Learning-rate schedules by hand.
#include <catch2/catch.hpp>

#include "common/config.h"
#include "train/schedule.h"

TEST_CASE("schedule: warmup_rsqrt rises linearly, then decays as 1/sqrt(step)",
          "[train][schedule]") {
  nmt::TrainConfig c;
  c.lr = 1e-3;
  c.schedule = "warmup_rsqrt";
  c.warmup_steps = 100;
  nmt::LrSchedule s(c);
  CHECK(s.lr(1) == Approx(1e-5));    // 1e-3 * 1/100
  CHECK(s.lr(50) == Approx(5e-4));   // half way up
  CHECK(s.lr(100) == Approx(1e-3));  // the peak
  CHECK(s.lr(400) == Approx(5e-4));  // 1e-3 * sqrt(100/400)
}

TEST_CASE("schedule: plateau lowers the rate after patience bad validations", "[train][schedule]") {
  nmt::TrainConfig c;
  c.lr = 1e-3;
  c.schedule = "plateau";
  c.plateau_factor = 0.5;
  c.plateau_patience = 2;
  c.min_lr = 3e-4;
  nmt::LrSchedule s(c);
  s.on_validation(true);
  s.on_validation(false);  // 1 bad: within patience
  CHECK(s.lr(10) == Approx(1e-3));
  s.on_validation(true);  // an improvement starts the count again
  s.on_validation(false);
  CHECK(s.lr(10) == Approx(1e-3));
  s.on_validation(false);  // 2 bad = patience 2: halve, as train.patience 2 would stop here
  CHECK(s.lr(10) == Approx(5e-4));
  const auto saved = s.state();
  s.on_validation(false);
  s.on_validation(false);  // would be 2.5e-4: clamped to min_lr
  CHECK(s.lr(10) == Approx(3e-4));

  nmt::LrSchedule restored(c);
  restored.load_state(saved);
  CHECK(restored.lr(10) == Approx(5e-4));
}

TEST_CASE("schedule: constant ignores validations", "[train][schedule]") {
  nmt::TrainConfig c;
  c.lr = 2e-3;
  nmt::LrSchedule s(c);
  s.on_validation(false);
  s.on_validation(false);
  s.on_validation(false);
  s.on_validation(false);
  CHECK(s.lr(1) == Approx(2e-3));
  CHECK(s.lr(100000) == Approx(2e-3));
}
