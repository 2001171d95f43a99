// Tests of cosine attention: a hand-computed example, the temperature parameter and the
// invariance to the length of keys and query.
#include <catch2/catch.hpp>
#include <cmath>

#include "attention/cosine_attention.h"
#include "attention_test_helpers.h"
#include "support/tensor_asserts.h"

using nmt::CosineAttention;
using nmt::test::attend;
using nmt::test::require_close;

TEST_CASE("cosine attention: hand-computed weights and context", "[attention][cosine]") {
  const bool learn = GENERATE(true, false);  // a fixed temperature must score the same
  CAPTURE(learn);
  CosineAttention cosine({/*query_dim=*/2, /*value_dim=*/2}, /*temperature=*/0.5, learn);
  const auto z = torch::tensor({{1.0, 0.0}});                            // [1, 2]
  const auto h = torch::tensor({{{1.0, 0.0}, {0.0, 1.0}, {3.0, 3.0}}});  // [1, 3, 2]
  const auto r = attend(cosine, z, h, torch::ones({1, 3}, torch::kBool));
  // cos(z, h_s) = (1, 0, 3/√18 = 1/√2); divided by 0.5: (2, 0, 1.41421356).
  // softmax = (7.38905610, 1, 4.11325038) / 12.50230648.
  require_close(r.weights, torch::tensor({{0.59101543, 0.07998524, 0.32899932}}), 1e-6);
  // Context = a_1 (1, 0) + a_2 (0, 1) + a_3 (3, 3) = (a_1 + 3 a_3, a_2 + 3 a_3).
  require_close(r.context, torch::tensor({{1.57801340, 1.06698321}}), 1e-6);
}

TEST_CASE("cosine attention: stores log temperature, learned only when asked",
          "[attention][cosine]") {
  CosineAttention learned({2, 2}, /*temperature=*/0.5, /*learn_temperature=*/true);
  CosineAttention fixed({2, 2}, /*temperature=*/0.5, /*learn_temperature=*/false);
  REQUIRE(learned.named_parameters().keys() == std::vector<std::string>{"log_temperature"});
  REQUIRE(learned.named_parameters()["log_temperature"].item<double>() ==
          Approx(std::log(0.5)).epsilon(1e-6));
  REQUIRE(fixed.parameters().empty());
  REQUIRE(fixed.named_buffers()["log_temperature"].item<double>() ==
          Approx(std::log(0.5)).epsilon(1e-6));
}

TEST_CASE("cosine attention: weights ignore the length of keys and query", "[attention][cosine]") {
  const int64_t dv = GENERATE(4, 6);  // 6: keys go through the learned projection first
  CAPTURE(dv);
  CosineAttention cosine({/*query_dim=*/4, dv}, /*temperature=*/0.2, /*learn_temperature=*/true);
  cosine.to(torch::kDouble);
  torch::manual_seed(2);
  const auto z = torch::randn({2, 4}, torch::kDouble);
  const auto h = torch::randn({2, 5, dv}, torch::kDouble);
  const auto mask = torch::tensor({{1, 1, 1, 1, 1}, {1, 1, 1, 0, 0}}).to(torch::kBool);
  const auto expected = attend(cosine, z, h, mask).weights;
  require_close(attend(cosine, z, h * 7.5, mask).weights, expected, 1e-12);
  require_close(attend(cosine, z * 0.01, h, mask).weights, expected, 1e-12);
}
