// Label-smoothed loss against hand-computed values and finite differences.
#include <torch/torch.h>

#include <catch2/catch.hpp>
#include <cmath>

#include "support/finite_difference.h"
#include "train/loss.h"

TEST_CASE("loss: label smoothing and padding by hand", "[train][loss]") {
  // One row of logits (0, ln 2, ln 3, 0, ln 4, ln 5) over V=6: p = (1, 2, 3, 1, 4, 5) / 16.
  // Target 4: nll = -ln(4/16) = ln 16 - ln 4.
  // Smoothing goes to the tokens that can be targets: not <pad> (1) nor <s> (2), so the
  // uniform term is the mean of -ln p_v over v = 0, 3, 4, 5: ln 16 - (ln 1 + ln 1 + ln 4 +
  // ln 5) / 4 = ln 16 - ln 20 / 4. Second row's target is <pad> (id 1): ignored.
  const auto logits =
      torch::tensor({{0.0, std::log(2.0), std::log(3.0), 0.0, std::log(4.0), std::log(5.0)},
                     {5.0, 1.0, 2.0, 3.0, 0.0, 0.0}},
                    torch::kDouble)
          .unsqueeze(0);
  const auto targets = torch::tensor({{4, 1}}, torch::kInt64);
  const double nll = std::log(16.0) - std::log(4.0);
  const double uniform = std::log(16.0) - std::log(20.0) / 4;

  const auto plain = nmt::label_smoothed_loss(logits, targets, 0.0);
  CHECK(plain.tokens == 1);
  CHECK(plain.loss.item<double>() == Approx(nll).epsilon(1e-12));
  CHECK(plain.nll.item<double>() == Approx(nll).epsilon(1e-12));

  const auto smoothed = nmt::label_smoothed_loss(logits, targets, 0.1);
  CHECK(smoothed.loss.item<double>() == Approx(0.9 * nll + 0.1 * uniform).epsilon(1e-12));
  CHECK(smoothed.nll.item<double>() == Approx(nll).epsilon(1e-12));
}

TEST_CASE("loss: the smoothed target distribution puts nothing on <pad> and <s>", "[train][loss]") {
  // Against cross-entropy with the target distribution written out: (1 - e) on the
  // reference, e spread evenly over the V - 2 ids other than <pad> and <s>.
  torch::manual_seed(5);
  const int64_t vocab = 7;
  const double e = 0.2;
  const auto logits = torch::randn({3, vocab}, torch::kDouble);
  const auto targets = torch::tensor({0, 3, 6}, torch::kInt64);
  auto q = torch::full({3, vocab}, e / (vocab - 2), torch::kDouble);
  q.index_put_({torch::indexing::Slice(), 1}, 0.0);  // <pad>
  q.index_put_({torch::indexing::Slice(), 2}, 0.0);  // <s>
  for (int64_t i = 0; i < 3; ++i) q[i][targets[i].item<int64_t>()] += 1 - e;
  const double expected = -(q * torch::log_softmax(logits, 1)).sum().item<double>();
  CHECK(nmt::label_smoothed_loss(logits, targets, e).loss.item<double>() ==
        Approx(expected).epsilon(1e-12));
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

TEST_CASE("loss: the coverage loss by hand", "[train][loss]") {
  // One sentence of three target steps over two source positions:
  // weights t0 (0.6, 0.4), t1 (0.3, 0.7), t2 (0.8, 0.1); coverage before each step:
  // c0 (0, 0), c1 (0.6, 0.4), c2 (0.9, 1.1); sum_s min(a, c) = 0, 0.3 + 0.4, 0.8 + 0.1.
  // The second sentence attends to each position once: nothing to penalise.
  const auto weights = torch::tensor(
      {{{0.6, 0.4}, {0.3, 0.7}, {0.8, 0.1}}, {{1.0, 0.0}, {0.0, 1.0}, {0.0, 0.0}}}, torch::kDouble);
  const auto all = torch::ones({2, 3}, torch::kBool);
  REQUIRE(nmt::coverage_loss(weights, all).item<double>() == Approx(1.6).margin(1e-12));
  // The last step of the first sentence is padding: 0.7 remains.
  const auto mask = torch::tensor({{1, 1, 0}, {1, 1, 1}}).to(torch::kBool);
  REQUIRE(nmt::coverage_loss(weights, mask).item<double>() == Approx(0.7).margin(1e-12));
}
