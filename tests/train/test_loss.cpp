// Label-smoothed loss against hand-computed values and finite differences.
#include <torch/torch.h>

#include <catch2/catch.hpp>
#include <cmath>

#include "support/finite_difference.h"
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

TEST_CASE("loss: gradients match finite differences, padding gets none", "[train][loss]") {
  torch::manual_seed(3);
  const auto logits = torch::randn({2, 3, 6}, torch::kDouble).mul_(2).requires_grad_();
  const auto targets = torch::tensor({{4, 0, 1}, {5, 1, 1}}, torch::kInt64);  // 1 = <pad>
  const double smoothing = GENERATE(0.0, 0.1);
  CAPTURE(smoothing);
  nmt::test::require_gradients_match(
      [&] { return nmt::label_smoothed_loss(logits, targets, smoothing).loss; }, {logits}, 1e-7);

  const auto result = nmt::label_smoothed_loss(logits, targets, smoothing);
  const auto grad = torch::autograd::grad({result.loss}, {logits})[0];
  CHECK(grad.index({targets.eq(1)}).abs().max().item<double>() == 0.0);
  // token_nll: each real token's -log p(target), 0 on padding, and sums to nll.
  const auto log_probs = torch::log_softmax(logits.detach(), -1);
  CHECK(result.token_nll[0][0].item<double>() == Approx(-log_probs[0][0][4].item<double>()));
  CHECK(result.token_nll[1][0].item<double>() == Approx(-log_probs[1][0][5].item<double>()));
  CHECK(result.token_nll[0][2].item<double>() == 0.0);
  CHECK(result.token_nll.sum().item<double>() == Approx(result.nll.item<double>()));
  CHECK(result.tokens == 3);
}
