// int8 matmuls (common/int8_matmuls.h): exact where every value is representable, within the
// analytic bound of per-row weight and per-tensor activation quantization otherwise, each
// weight view quantized once, and nothing changed outside an Int8Scope.
#include <torch/torch.h>

#include <catch2/catch.hpp>

#include "common/int8_matmuls.h"
#include "support/tensor_asserts.h"

using nmt::Int8Linear;
using nmt::Int8Scope;
using nmt::Int8Weights;

TEST_CASE("int8: values representable in int8 multiply exactly", "[int8]") {
  nmt::select_int8_engine();
  // Row scales 127/127 = 1 and 63.5/127 = 0.5: the weights are int8 times their scale. The
  // activations span [0, L] (L = 255, or 127 without VNNI), so their scale is 1 and their zero
  // point 0.
  const float levels = static_cast<float>(nmt::int8_activation_levels());
  const auto w = torch::tensor({{127.0f, -64.0f, 0.0f}, {63.5f, 0.0f, -63.5f}});
  const auto b = torch::tensor({0.25f, -1.0f});
  const auto x = torch::tensor({{0.0f, levels, 10.0f}, {3.0f, 4.0f, 5.0f}});
  const auto y = Int8Linear(w, b)(x);
  // By hand: 0*127 - L*64 + 0.25; 0*63.5 - 10*63.5 - 1; 3*127 - 4*64 + 0.25; (3 - 5)*63.5 - 1.
  const auto expected = torch::tensor({{-64.0f * levels + 0.25f, -636.0f}, {125.25f, -128.0f}});
  CHECK(torch::equal(y, expected));
  // Leading dimensions are kept: [2, 1, 3] -> [2, 1, 2].
  CHECK(torch::equal(Int8Linear(w, b)(x.unsqueeze(1)), expected.unsqueeze(1)));
  CHECK(Int8Linear(w, b)(torch::zeros({0, 3})).sizes() == torch::IntArrayRef({0, 2}));
}

TEST_CASE("int8: random weights stay within the quantization bound", "[int8]") {
  nmt::select_int8_engine();
  torch::manual_seed(5);
  const auto w = torch::randn({40, 64}) * torch::rand({40, 1});  // rows of different ranges
  const auto x = torch::randn({9, 64});
  const auto exact = torch::linear(x, w);
  const auto y = Int8Linear(w, {})(x);
  // Weight w_jk is off by at most s_j / 2 (s_j = max_k |w_jk| / 127), activation x_ik by at
  // most a / 2 (a = (max(x, 0) - min(x, 0)) / L, L = 255, or 127 without VNNI): |error_ij| <=
  // sum_k |x_ik| s_j / 2 + |w_jk| a / 2 + s_j a / 4.
  const auto s = w.abs().amax(1) / 127;  // [40]
  const auto a = (x.max().clamp_min(0) - x.min().clamp_max(0)) / nmt::int8_activation_levels();
  const auto bound = x.abs().sum(1, true) * s / 2 + w.abs().sum(1) * a / 2 + 64 * s * a / 4;
  CHECK(((y - exact).abs() <= bound * 1.001 + 1e-5).all().item<bool>());
  CHECK((y - exact).abs().max().item<float>() > 0);  // it did quantize
  CHECK((y - exact).abs().max().item<float>() < 0.02 * exact.abs().max().item<float>());
}

TEST_CASE("int8: linear() quantizes each weight view once, and only inside a scope", "[int8]") {
  torch::manual_seed(6);
  const auto w = torch::randn({6, 8}), b = torch::randn({6}), x = torch::randn({3, 8});
  CHECK_FALSE(nmt::int8_active());
  CHECK(torch::equal(nmt::linear(x, w, b), torch::linear(x, w, b)));

  Int8Weights weights;
  {
    const Int8Scope scope(&weights);
    CHECK(nmt::int8_active());
    const auto first = nmt::linear(x, w, b);
    CHECK(torch::equal(nmt::linear(x, w, b), first));  // the same int8 weight again
    CHECK(weights.size() == 1);
    CHECK_FALSE(torch::equal(first, torch::linear(x, w, b)));
    nmt::test::require_close(first, torch::linear(x, w, b), 0.05, 0.02);
    nmt::linear(x, w, {});                                  // without the bias: another packing
    nmt::linear(x.narrow(1, 0, 4), w.narrow(1, 4, 4), {});  // a slice of columns: another
    CHECK(weights.size() == 3);
    nmt::test::require_close(nmt::linear(x.narrow(1, 0, 4), w.narrow(1, 4, 4), {}),
                             torch::linear(x.narrow(1, 0, 4), w.narrow(1, 4, 4)), 0.05, 0.02);
    {
      const Int8Scope nothing(nullptr);  // an inner scope without weights changes nothing
      CHECK(nmt::int8_active());
    }
  }
  CHECK_FALSE(nmt::int8_active());
  CHECK(torch::equal(nmt::linear(x, w, b), torch::linear(x, w, b)));
}
