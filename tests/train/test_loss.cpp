// Label-smoothed loss against hand-computed values.
#include <torch/torch.h>

#include <catch2/catch.hpp>
#include <cmath>

#include "train/loss.h"

TEST_CASE("loss: label smoothing and padding by hand", "[train][loss]") {
  // One row of logits (0, ln 2, ln 3, 0) over V=4: p = (1, 2, 3, 1) / 7.
  // Target 2: nll = -ln(3/7) = ln 7 - ln 3.
  // Uniform term: mean of -ln p_v = ln 7 - (ln 1 + ln 2 + ln 3 + ln 1) / 4 = ln 7 - ln 6 / 4.
  // Second row's target is <pad> (id 1): ignored.
  const auto logits =
      torch::tensor({{0.0, std::log(2.0), std::log(3.0), 0.0}, {5.0, 1.0, 2.0, 3.0}},
                    torch::kDouble)
          .unsqueeze(0);
  const auto targets = torch::tensor({{2, 1}}, torch::kInt64);
  const double nll = std::log(7.0) - std::log(3.0);
  const double uniform = std::log(7.0) - std::log(6.0) / 4;

  const auto plain = nmt::label_smoothed_loss(logits, targets, 0.0);
  CHECK(plain.tokens == 1);
  CHECK(plain.loss.item<double>() == Approx(nll).epsilon(1e-12));
  CHECK(plain.nll.item<double>() == Approx(nll).epsilon(1e-12));

  const auto smoothed = nmt::label_smoothed_loss(logits, targets, 0.1);
  CHECK(smoothed.loss.item<double>() == Approx(0.9 * nll + 0.1 * uniform).epsilon(1e-12));
  CHECK(smoothed.nll.item<double>() == Approx(nll).epsilon(1e-12));
}
