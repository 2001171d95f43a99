// Tests of coverage attention: hand-computed weights at the first step and with a coverage,
// the coverage it carries, and gradients through the carried coverage.
#include <catch2/catch.hpp>
#include <cmath>

#include "attention/coverage_attention.h"
#include "attention/mlp_attention.h"
#include "attention_test_helpers.h"
#include "support/finite_difference.h"
#include "support/tensor_asserts.h"

using nmt::CoverageAttention;
using nmt::test::require_close;
using nmt::test::set_parameter;

namespace {

// The parameters of the mlp attention test (W₁ = 2I, W₂ = I, v = (1, 0.5)) plus w_c = (1, 0).
void set_hand_parameters(CoverageAttention& coverage) {
  set_parameter(coverage, "query_proj.weight", torch::tensor({{2.0, 0.0}, {0.0, 2.0}}));
  set_parameter(coverage, "key_proj.weight", torch::tensor({{1.0, 0.0}, {0.0, 1.0}}));
  set_parameter(coverage, "coverage_proj.weight", torch::tensor({{1.0}, {0.0}}));
  set_parameter(coverage, "v.weight", torch::tensor({{1.0, 0.5}}));
}

std::vector<double> softmax(const std::vector<double>& scores) {
  double sum = 0;
  for (const double s : scores) sum += std::exp(s);
  std::vector<double> out;
  for (const double s : scores) out.push_back(std::exp(s) / sum);
  return out;
}

}  // namespace

TEST_CASE("coverage attention: hand-computed weights, and the coverage it carries",
          "[attention][coverage]") {
  CoverageAttention coverage({/*query_dim=*/2, /*value_dim=*/2});
  set_hand_parameters(coverage);
  const auto z = torch::tensor({{1.0, -1.0}, {1.0, -1.0}});                 // [2, 2]
  const auto states = torch::tensor({{1.0, 0.0}, {0.0, 1.0}, {1.0, 1.0}});  // [3, 2]
  const auto mask = torch::tensor({{1, 1, 1}, {0, 1, 1}}).to(torch::kBool);
  const auto memory = coverage.prepare(torch::stack({states, states}), mask);

  // The first step has no coverage: the weights of the mlp attention test.
  const auto first = coverage.forward({z}, memory);
  require_close(
      first.weights,
      torch::tensor({{0.31454178, 0.33741258, 0.34804564}, {0.0, 0.49224383, 0.50775617}}), 1e-6);
  require_close(first.next, first.weights, 0);

  // With coverage c = (0.5, 0, 0.5): W₁z + W₂h_s + w_c c_s = (3.5, -2), (2, -1), (3.5, -1);
  // scores = tanh(3.5) + 0.5 tanh(-2), tanh(2) + 0.5 tanh(-1), tanh(3.5) + 0.5 tanh(-1)
  //        = 0.51616411, 0.58323050, 0.61738082. Row 1 masks the first position.
  const auto carried = torch::tensor({{0.5, 0.0, 0.5}, {0.5, 0.0, 0.5}});
  const auto second = coverage.forward({z, 1, carried}, memory);
  const auto row0 = softmax({0.51616411, 0.58323050, 0.61738082});
  const auto row1 = softmax({0.58323050, 0.61738082});
  require_close(second.weights,
                torch::tensor({{row0[0], row0[1], row0[2]}, {0.0, row1[0], row1[1]}}), 1e-6);
  require_close(second.next, carried + second.weights, 1e-7);
  // Context = (a_1 + a_3, a_2 + a_3).
  require_close(second.context,
                torch::tensor({{row0[0] + row0[2], row0[1] + row0[2]}, {row1[1], 1.0}}), 1e-6);
}

TEST_CASE("coverage attention: without coverage it is the mlp attention", "[attention][coverage]") {
  torch::manual_seed(21);
  CoverageAttention coverage({/*query_dim=*/3, /*value_dim=*/5});
  nmt::MlpAttention mlp({/*query_dim=*/3, /*value_dim=*/5});
  for (const auto& name : {"query_proj.weight", "key_proj.weight", "v.weight"}) {
    set_parameter(mlp, name, coverage.named_parameters()[name].detach());
  }
  const auto z = torch::randn({2, 3});
  const auto h = torch::randn({2, 4, 5});
  const auto mask = torch::tensor({{1, 1, 1, 1}, {1, 1, 0, 0}}).to(torch::kBool);
  const auto a = coverage.forward({z}, coverage.prepare(h, mask));
  const auto b = mlp.forward({z}, mlp.prepare(h, mask));
  require_close(a.weights, b.weights, 1e-6);
  require_close(a.context, b.context, 1e-6);
}

TEST_CASE("coverage attention: gradients through the carried coverage match finite differences",
          "[attention][coverage]") {
  CoverageAttention coverage({/*query_dim=*/3, /*value_dim=*/4});
  coverage.to(torch::kDouble);
  torch::manual_seed(22);
  const auto z1 = torch::randn({2, 3}, torch::kDouble).requires_grad_();
  const auto z2 = torch::randn({2, 3}, torch::kDouble).requires_grad_();
  const auto h = torch::randn({2, 5, 4}, torch::kDouble).requires_grad_();
  const auto mask = torch::tensor({{1, 1, 1, 1, 1}, {1, 1, 1, 0, 0}}).to(torch::kBool);
  const auto readout = torch::randn({2, 4}, torch::kDouble);
  const auto loss = [&] {  // two steps: the second one's score depends on the first's weights
    const auto memory = coverage.prepare(h, mask);
    const auto first = coverage.forward({z1, 0}, memory);
    const auto second = coverage.forward({z2, 1, first.next}, memory);
    return (second.context * readout).sum() + (second.next * second.next).sum();
  };
  nmt::test::require_gradients_match(loss, nmt::test::parameters_and(coverage, {z1, z2, h}), 1e-4);
}
