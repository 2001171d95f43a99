// nmt::apply_dropout: which elements it drops, how it scales the rest, its gradient, and that it
// draws from the seeded default generator (so seeds and exact resume hold).
#include <torch/torch.h>

#include <catch2/catch.hpp>

#include "model/dropout.h"

TEST_CASE("dropout: the identity outside training and at p = 0", "[dropout]") {
  const auto x = torch::randn({4, 5});
  CHECK(nmt::apply_dropout(x, 0.3, /*training=*/false).equal(x));
  CHECK(nmt::apply_dropout(x, 0.0, /*training=*/true).equal(x));
  nmt::Dropout module(0.3);
  module->eval();
  CHECK(module(x).equal(x));
}

TEST_CASE("dropout: drops a fraction p and scales the rest by 1 / (1 - p)", "[dropout]") {
  torch::manual_seed(7);
  const double p = 0.3;
  const auto x = torch::rand({400, 500}) + 1;  // no zeros of its own
  const auto y = nmt::apply_dropout(x, p, /*training=*/true);
  const auto dropped = y.eq(0);
  // 200,000 draws: the binomial's standard deviation of the fraction is 0.001.
  CHECK(dropped.to(torch::kDouble).mean().item<double>() == Approx(p).margin(0.005));
  const auto kept = dropped.logical_not();
  REQUIRE(kept.any().item<bool>());
  const auto ratio = y.masked_select(kept) / x.masked_select(kept);
  CHECK(ratio.sub(1 / (1 - p)).abs().max().item<double>() < 1e-6);
  CHECK(nmt::apply_dropout(x, 1.0, /*training=*/true).eq(0).all().item<bool>());
}

TEST_CASE("dropout: the gradient is the mask over 1 - p", "[dropout]") {
  torch::manual_seed(3);
  const auto x = torch::randn({30, 40}).requires_grad_();
  const auto y = nmt::apply_dropout(x, 0.25, /*training=*/true);
  y.sum().backward();
  const auto expected = y.detach().ne(0).to(torch::kFloat) / 0.75;
  CHECK(x.grad().sub(expected).abs().max().item<double>() < 1e-6);
}

TEST_CASE("dropout: a seed gives one mask, and the generator moves on", "[dropout]") {
  const auto x = torch::ones({64, 64});
  torch::manual_seed(11);
  const auto first = nmt::apply_dropout(x, 0.5, true);
  const auto second = nmt::apply_dropout(x, 0.5, true);
  torch::manual_seed(11);
  CHECK(nmt::apply_dropout(x, 0.5, true).equal(first));
  CHECK_FALSE(second.equal(first));
}

TEST_CASE("dropout: keeps a bf16 input's type", "[dropout]") {
  const auto x = torch::ones({8, 8}, torch::kBFloat16);
  const auto y = nmt::apply_dropout(x, 0.5, true);
  CHECK(y.scalar_type() == torch::kBFloat16);
  CHECK(y.eq(0).logical_or(y.eq(2)).all().item<bool>());
}
