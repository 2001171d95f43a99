// Tests of the normalizers (model.attention.normalizer): sparsemax and 1.5-entmax against hand
// values and against the threshold found by bisection, masking, and their closed-form
// backward against finite differences.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "attention/entmax.h"
#include "attention/normalizer.h"
#include "attention/sparsemax.h"
#include "common/errors.h"
#include "support/finite_difference.h"
#include "support/tensor_asserts.h"

using nmt::test::require_close;

namespace {

torch::Tensor all_real(int64_t rows, int64_t positions) {
  return torch::ones({rows, positions}, torch::kBool);
}

// Row 0 all real, row 1 with three padded positions, row 2 all padding, row 3 one real position.
torch::Tensor four_ragged_rows() {
  return torch::tensor(
             {{1, 1, 1, 1, 1, 1}, {1, 1, 1, 0, 0, 0}, {0, 0, 0, 0, 0, 0}, {0, 0, 1, 0, 0, 0}})
      .to(torch::kBool);
}

// The weights of one row found without sorting: p_i = max(x_i - tau, 0)^power with x = z / scale,
// tau found by bisection so that the real positions' weights sum to 1 (sparsemax: scale 1,
// power 1; 1.5-entmax: scale 2, power 2).
std::vector<double> by_bisection(const std::vector<double>& z, const std::vector<bool>& real,
                                 double scale, int power) {
  double top = -1e300;
  for (size_t i = 0; i < z.size(); ++i) {
    if (real[i]) top = std::max(top, z[i] / scale);
  }
  std::vector<double> p(z.size(), 0.0);
  if (top == -1e300) return p;
  const auto weights = [&](double tau) {
    double sum = 0;
    for (size_t i = 0; i < z.size(); ++i) {
      const double d = real[i] ? std::max(z[i] / scale - tau, 0.0) : 0.0;
      p[i] = power == 1 ? d : d * d;
      sum += p[i];
    }
    return sum;
  };
  double low = top - 1, high = top;  // the sum is >= 1 at top - 1 and 0 at top
  for (int i = 0; i < 200; ++i) {
    const double mid = (low + high) / 2;
    (weights(mid) > 1 ? low : high) = mid;
  }
  weights((low + high) / 2);
  return p;
}

struct Sparse {
  const char* name;
  nmt::Normalizer normalize;
  double scale;
  int power;
};
const std::vector<Sparse> kSparse = {{"sparsemax", &nmt::sparsemax, 1, 1},
                                     {"entmax15", &nmt::entmax15, 2, 2}};

}  // namespace

TEST_CASE("normalizers: the registry names them and refuses others", "[attention][normalizer]") {
  REQUIRE(nmt::normalizer_names() == std::vector<std::string>{"softmax", "sparsemax", "entmax15"});
  REQUIRE(nmt::normalizer_named("sparsemax") == &nmt::sparsemax);
  try {
    nmt::normalizer_named("sparsemux");
    FAIL("no error");
  } catch (const nmt::ConfigKeyError& e) {
    REQUIRE(e.key() == "model.attention.normalizer");
    REQUIRE_THAT(e.what(), Catch::Contains("sparsemux") && Catch::Contains("entmax15"));
  }
}

TEST_CASE("sparsemax: hand-computed weights", "[attention][normalizer]") {
  // (0.5, 0.2, -1): the top two are in the support (1 + 2 * 0.2 = 1.4 > 0.7, but
  // 1 + 3 * -1 = -2 < -0.3), tau = (0.7 - 1) / 2 = -0.15, p = (0.65, 0.35, 0).
  // (0.3, 0): tau = (0.3 - 1) / 2 = -0.35, p = (0.65, 0.35).
  // (2, 0.5): 1 + 2 * 0.5 = 2 < 2.5, support of one: p = (1, 0).
  const auto z =
      torch::tensor({{0.5, 0.2, -1.0}, {0.3, 0.0, 0.0}, {2.0, 0.5, 0.0}}, torch::kDouble);
  const auto mask = torch::tensor({{1, 1, 1}, {1, 1, 0}, {1, 1, 0}}).to(torch::kBool);
  require_close(
      nmt::sparsemax(z, mask),
      torch::tensor({{0.65, 0.35, 0.0}, {0.65, 0.35, 0.0}, {1.0, 0.0, 0.0}}, torch::kDouble),
      1e-12);
}

TEST_CASE("entmax15: hand-computed weights", "[attention][normalizer]") {
  // Two positions with x = z / 2 = (0.5, 0): p = (u^2, (u - 0.5)^2) with u^2 + (u - 0.5)^2 = 1,
  // u = (0.5 + sqrt(1.75)) / 2 = 0.911437828, p = (0.830718914, 0.169281086).
  // z = (5, 0): x differs by 2.5 > 1, so the second gets nothing: p = (1, 0).
  // Equal scores over three positions: (x - tau)^2 = 1/3 each.
  const auto z = torch::tensor({{1.0, 0.0, 0.0}, {5.0, 0.0, 0.0}, {0.7, 0.7, 0.7}}, torch::kDouble);
  const auto mask = torch::tensor({{1, 1, 0}, {1, 1, 0}, {1, 1, 1}}).to(torch::kBool);
  const double third = 1.0 / 3;
  require_close(
      nmt::entmax15(z, mask),
      torch::tensor(
          {{0.8307189138830738, 0.1692810861169262, 0.0}, {1.0, 0.0, 0.0}, {third, third, third}},
          torch::kDouble),
      1e-12);
}

TEST_CASE("sparsemax and entmax15 equal the threshold found by bisection",
          "[attention][normalizer]") {
  const auto scale = GENERATE(0.3, 3.0);  // mostly dense, and mostly sparse
  for (const auto& sparse : kSparse) {
    CAPTURE(sparse.name, scale);
    torch::manual_seed(11);
    const auto z = torch::randn({4, 6}, torch::kDouble) * scale;
    const auto mask = four_ragged_rows();
    const auto weights = sparse.normalize(z, mask);
    for (int64_t row = 0; row < 4; ++row) {
      std::vector<double> scores(6);
      std::vector<bool> real(6);
      for (int64_t s = 0; s < 6; ++s) {
        scores[s] = z[row][s].item<double>();
        real[s] = mask[row][s].item<bool>();
      }
      const auto expected = by_bisection(scores, real, sparse.scale, sparse.power);
      require_close(weights[row], torch::tensor(expected, torch::kDouble), 1e-12);
    }
    if (scale > 1) {  // sparse: some real position of row 0 gets exactly nothing
      REQUIRE((weights[0] == 0).any().item<bool>());
    }
  }
}

TEST_CASE("sparse normalizers: masking, sums and invariances", "[attention][normalizer]") {
  for (const auto& sparse : kSparse) {
    CAPTURE(sparse.name);
    torch::manual_seed(12);
    auto z = torch::randn({4, 6}, torch::kDouble) * 2;
    const auto mask = four_ragged_rows();
    const auto weights = sparse.normalize(z, mask);
    REQUIRE((weights.masked_select(mask.logical_not()) == 0).all().item<bool>());
    REQUIRE((weights >= 0).all().item<bool>());
    require_close(weights.sum(/*dim=*/1), torch::tensor({1.0, 1.0, 0.0, 1.0}, torch::kDouble),
                  1e-12);
    require_close(weights[3], torch::tensor({0.0, 0.0, 1.0, 0.0, 0.0, 0.0}, torch::kDouble), 0);
    // Scores at padded positions do not matter, however large or small.
    for (const double pad : {1e6, -1e6}) {
      require_close(sparse.normalize(z.masked_fill(mask.logical_not(), pad), mask), weights, 1e-12);
    }
    // Adding a constant to a row changes nothing (as for softmax).
    require_close(sparse.normalize(z + 100, mask), weights, 1e-9);
    // A mask broadcast over heads, as multi_head passes it: [B, 1, S] against [B, H, S].
    const auto heads = torch::stack({z, -z}, /*dim=*/1);  // [4, 2, 6]
    const auto per_head = sparse.normalize(heads, mask.unsqueeze(1));
    require_close(per_head.select(1, 0), weights, 1e-12);
    require_close(per_head.select(1, 1), sparse.normalize(-z, mask), 1e-12);
  }
}

TEST_CASE("sparse normalizers: the closed-form backward matches finite differences",
          "[attention][normalizer]") {
  const auto scale = GENERATE(0.3, 3.0);
  for (const auto& sparse : kSparse) {
    CAPTURE(sparse.name, scale);
    torch::manual_seed(13);
    const auto z = (torch::randn({4, 6}, torch::kDouble) * scale).requires_grad_();
    const auto readout = torch::randn({4, 6}, torch::kDouble);
    const auto mask = four_ragged_rows();
    const auto loss = [&] { return (sparse.normalize(z, mask) * readout).sum(); };
    nmt::test::require_gradients_match(loss, {z}, 1e-6);
    // Padding and positions outside the support get no gradient.
    const auto grad = torch::autograd::grad({loss()}, {z})[0];
    const auto weights = sparse.normalize(z.detach(), mask);
    REQUIRE((grad.masked_select(weights == 0) == 0).all().item<bool>());
  }
}

TEST_CASE("sparse normalizers: float32 rows as training has them", "[attention][normalizer]") {
  // Long rows in single precision, with real scores far below the largest (below the -10 that
  // padding is set to after the shift) mixed with padding: the result is that of double
  // precision.
  for (const auto& sparse : kSparse) {
    CAPTURE(sparse.name);
    torch::manual_seed(14);
    auto z = torch::randn({8, 60}, torch::kDouble) * 4;
    z.index_put_({torch::indexing::Slice(), torch::indexing::Slice(0, 60, 7)}, -40.0);
    const auto mask = torch::rand({8, 60}, torch::kDouble).gt(0.3);
    const auto single = sparse.normalize(z.to(torch::kFloat), mask);
    REQUIRE(single.scalar_type() == torch::kFloat);
    require_close(single.to(torch::kDouble), sparse.normalize(z, mask), 1e-5);
    require_close(single.sum(/*dim=*/1).to(torch::kDouble), mask.any(/*dim=*/1).to(torch::kDouble),
                  1e-5);
  }
}

TEST_CASE("sparse normalizers: a NaN score gives NaN weights, not an error",
          "[attention][normalizer]") {
  for (const auto& sparse : kSparse) {
    CAPTURE(sparse.name);
    const auto z = torch::tensor({{0.5, std::nan(""), 0.1}, {0.5, 0.2, 0.1}}, torch::kDouble);
    const auto weights = sparse.normalize(z, all_real(2, 3));
    REQUIRE(weights[0].isnan().any().item<bool>());
    REQUIRE_FALSE(weights[1].isnan().any().item<bool>());
  }
}
