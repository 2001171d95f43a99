// Hard attention (Xu et al. 2015): sampling follows the soft weights, the REINFORCE gradient is
// an unbiased estimate of the exact one, and inference takes the argmax position's state.
#include <catch2/catch.hpp>
#include <cmath>

#include "attention/registry.h"
#include "attention_test_helpers.h"
#include "common/config.h"
#include "support/tensor_asserts.h"

using nmt::test::require_close;

namespace {

std::shared_ptr<nmt::Attention> make_hard(nmt::HardInference inference = nmt::HardInference::argmax,
                                          double entropy_weight = 0.0) {
  nmt::AttentionConfig config;
  config.type = "hard";
  config.score = "dot";
  config.inference = inference;
  config.entropy_weight = entropy_weight;
  auto attention = nmt::make_attention(config, {3, 3});
  attention->to(torch::kDouble);
  return attention;
}

// One query and five keys whose dot-product softmax is far from uniform.
struct Toy {
  torch::Tensor z = torch::tensor({{1.0, -0.5, 0.25}}, torch::kDouble);  // [1, 3]
  torch::Tensor h = torch::tensor(
      {{{1.0, 0.0, 0.0}, {0.0, 1.0, 0.0}, {0.0, 0.0, 1.0}, {1.0, 1.0, 1.0}, {-1.0, 0.5, 2.0}}},
      torch::kDouble);                                                         // [1, 5, 3]
  torch::Tensor soft() const { return torch::softmax((h[0] * z).sum(1), 0); }  // [5]
};

// One step's sample as the decoder hands it to policy_loss: [B, T = 1].
nmt::PolicySamples samples_of(const nmt::AttentionResult& r) {
  if (!r.sample_log_prob.defined()) return {};
  return {r.sample_log_prob.unsqueeze(1), r.sample_entropy.unsqueeze(1)};
}

}  // namespace

TEST_CASE("hard attention: sampled positions follow the soft weights (chi-square)",
          "[attention][hard]") {
  const auto attention = make_hard();
  attention->train();
  torch::manual_seed(21);
  const Toy toy;
  constexpr int64_t kSamples = 20000;
  const auto z = toy.z.expand({kSamples, 3}).contiguous();
  const auto h = toy.h.expand({kSamples, 5, 3}).contiguous();
  const auto mask = torch::ones({kSamples, 5}, torch::kBool);
  const auto r = nmt::test::attend(*attention, z, h, mask);
  // Each row attends to exactly one position, and its context is that position's state.
  require_close(r.weights.sum(1), torch::ones({kSamples}, torch::kDouble), 0.0);
  const auto position = r.weights.argmax(1);
  require_close(r.context, h[0].index_select(0, position), 0.0);
  const auto observed = r.weights.sum(0);  // [5] counts
  const auto expected = toy.soft() * static_cast<double>(kSamples);
  const double chi_square = ((observed - expected).square() / expected).sum().item<double>();
  INFO("observed " << observed << " expected " << expected);
  // 4 degrees of freedom: P(chi2 > 18.47) = 0.001.
  REQUIRE(chi_square < 18.47);
}

TEST_CASE("hard attention: the REINFORCE gradient matches the exact expected gradient",
          "[attention][hard]") {
  // Toy objective: reward r_s for attending to position s. Exact: d/dz sum_s a_s(z) r_s.
  // Estimator: mean over samples of (r_s - b) d/dz log a_s(z), from policy_loss with the
  // token loss set to -r_s; its mean must match the exact gradient within sampling error.
  const auto attention = make_hard();
  attention->train();
  torch::manual_seed(22);
  const Toy toy;
  const auto rewards = torch::tensor({1.0, -2.0, 0.5, 3.0, -1.0}, torch::kDouble);

  auto z_exact = toy.z.clone().requires_grad_();
  const auto soft = torch::softmax((toy.h[0] * z_exact).sum(1), 0);
  const auto exact = torch::autograd::grad({(soft * rewards).sum()}, {z_exact})[0][0];  // [3]

  constexpr int64_t kSamples = 40000;
  const auto z = toy.z.expand({kSamples, 3}).contiguous().requires_grad_();
  const auto h = toy.h.expand({kSamples, 5, 3}).contiguous();
  const auto mask = torch::ones({kSamples, 5}, torch::kBool);
  const auto r = nmt::test::attend(*attention, z, h, mask);
  const auto reward = rewards.index_select(0, r.weights.argmax(1));  // [N]
  const auto policy = attention->policy_loss(samples_of(r), -reward.unsqueeze(1),
                                             torch::ones({kSamples, 1}, torch::kBool));
  REQUIRE(policy.loss.defined());
  CHECK(policy.reward == Approx(reward.mean().item<double>()));
  // policy.loss = -sum_i (r_i - b) log a(s_i): each row's gradient is one sample of -estimate.
  const auto per_sample = -torch::autograd::grad({policy.loss}, {z})[0];  // [N, 3]
  const auto estimate = per_sample.mean(0);
  const auto deviation = (per_sample - estimate).square().mean(0).sqrt();
  const auto standard_error = deviation / std::sqrt(static_cast<double>(kSamples));
  INFO("estimate " << estimate << " exact " << exact << " standard error " << standard_error);
  REQUIRE(((estimate - exact).abs() < 4 * standard_error + 1e-9).all().item<bool>());
  REQUIRE((standard_error < 0.05 * exact.abs().max()).all().item<bool>());  // a sharp test
}

TEST_CASE("hard attention: the baseline is a moving average of the mean reward",
          "[attention][hard]") {
  const auto attention = make_hard();  // baseline_decay 0.9
  attention->train();
  const Toy toy;
  const auto mask = torch::ones({1, 5}, torch::kBool);
  const auto step = [&](double token_loss) {
    const auto r = nmt::test::attend(*attention, toy.z, toy.h, mask);
    return attention->policy_loss(samples_of(r), torch::full({1, 1}, token_loss, torch::kDouble),
                                  torch::ones({1, 1}, torch::kBool));
  };
  CHECK(step(2.0).baseline == Approx(-2.0));  // starts at the first batch's mean reward
  CHECK(step(4.0).baseline == Approx(-2.0));  // used before it is updated
  CHECK(step(0.0).baseline == Approx(0.9 * -2.0 + 0.1 * -4.0));
}

TEST_CASE("hard attention: the entropy bonus pushes towards higher entropy", "[attention][hard]") {
  const auto attention = make_hard(nmt::HardInference::argmax, /*entropy_weight=*/1.0);
  attention->train();
  const Toy toy;
  auto z = toy.z.clone().requires_grad_();
  const auto r = nmt::test::attend(*attention, z, toy.h, torch::ones({1, 5}, torch::kBool));
  // Zero advantage (the first batch's baseline is its own reward): only -H(a) remains.
  const auto policy = attention->policy_loss(samples_of(r), torch::zeros({1, 1}, torch::kDouble),
                                             torch::ones({1, 1}, torch::kBool));
  const auto soft = torch::softmax((toy.h[0] * toy.z[0]).sum(1), 0);
  CHECK(policy.entropy == Approx(-(soft * soft.log()).sum().item<double>()));
  CHECK(policy.loss.item<double>() == Approx(-policy.entropy));
}

TEST_CASE("hard attention: at inference the context is the argmax position's state",
          "[attention][hard]") {
  const Toy toy;
  const auto mask = torch::ones({1, 5}, torch::kBool);
  const auto argmax = make_hard(nmt::HardInference::argmax);
  argmax->eval();
  const auto r = nmt::test::attend(*argmax, toy.z, toy.h, mask);
  const int64_t best = toy.soft().argmax().item<int64_t>();
  require_close(r.context[0], toy.h[0][best], 0.0);
  REQUIRE(r.weights[0][best].item<double>() == 1.0);
  REQUIRE(r.weights.sum().item<double>() == 1.0);
  REQUIRE_FALSE(r.sample_log_prob.defined());
  REQUIRE_FALSE(argmax->policy_loss(samples_of(r), torch::zeros({1, 1}), mask).loss.defined());

  const auto expected = make_hard(nmt::HardInference::expected);
  expected->eval();
  const auto soft = nmt::test::attend(*expected, toy.z, toy.h, mask);
  require_close(soft.weights[0], toy.soft(), 1e-12);
  require_close(soft.context[0], (toy.soft().unsqueeze(1) * toy.h[0]).sum(0), 1e-12);
}
