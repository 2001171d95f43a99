// bf16 autocast without per-call copies: nmt::Linear and autocast_parameter() cast a parameter
// once per guard (LibTorch's cache), and weighted_sum() never copies its values to bf16. Before
// these, every decoder step made a bf16 copy of each weight and of the encoder states, and
// training kept each copy for the backward pass (bench/RESULTS.md, peak training memory).
// Sparse normalizers (sparsemax, entmax) under bf16 still give valid, sparse weights.
#include <catch2/catch.hpp>

#include "attention/attention.h"
#include "common/linear.h"
#include "model/cpu_autocast.h"
#include "model/model_fixtures.h"
#include "model/seq2seq.h"

namespace {

torch::Tensor in_bf16(const torch::Tensor& t) { return t.to(torch::kBFloat16); }

}  // namespace

TEST_CASE("Linear: under bf16 autocast its weight is cast once per guard", "[model][precision]") {
  torch::manual_seed(3);
  nmt::Linear linear(6, 4);
  const auto x = torch::randn({5, 6});
  const nmt::CpuBf16Autocast autocast(true);
  const auto first = linear(x);
  REQUIRE(first.scalar_type() == torch::kBFloat16);
  CHECK(torch::equal(first,
                     torch::linear(in_bf16(x), in_bf16(linear->weight), in_bf16(linear->bias))));
  {
    torch::NoGradGuard no_grad;
    linear->weight.mul_(2);  // in place: the copy cast at the first call must serve the second
  }
  CHECK(torch::equal(linear(x), first));
  // torch::nn::Linear's forward hands autocast weight.t(), a view, which it casts at every call.
  const auto through_a_view = torch::nn::functional::linear(x, linear->weight, linear->bias);
  CHECK_FALSE(torch::equal(through_a_view, first));
}

TEST_CASE("autocast_parameter: one bf16 copy per guard, the parameter itself without one",
          "[model][precision]") {
  const auto weight = torch::randn({4, 3}).requires_grad_();
  CHECK(nmt::autocast_parameter(weight).is_same(weight));
  torch::Tensor output;
  {
    const nmt::CpuBf16Autocast autocast(true);
    const auto copy = nmt::autocast_parameter(weight);
    CHECK(copy.scalar_type() == torch::kBFloat16);
    CHECK(torch::equal(copy, in_bf16(weight)));
    CHECK(nmt::autocast_parameter(weight).data_ptr() == copy.data_ptr());
    // A slice of the copy feeds a matmul without another cast.
    output = torch::linear(torch::ones({2, 2}), copy.narrow(1, 1, 2));
  }
  output.sum().backward();  // the gradient reaches the parameter through its slice
  REQUIRE(weight.grad().defined());
  CHECK(
      torch::equal(weight.grad(), torch::cat({torch::zeros({4, 1}), torch::full({4, 2}, 2.0)}, 1)));
}

TEST_CASE("weighted_sum: under bf16 autocast it works in the values' dtype",
          "[attention][precision]") {
  torch::manual_seed(4);
  const auto weights = torch::softmax(torch::randn({2, 5}), -1);
  const auto values = torch::randn({2, 5, 3}).requires_grad_();
  const auto expected = torch::bmm(weights.unsqueeze(1), values).squeeze(1);
  torch::Tensor context, from_bf16;
  {
    const nmt::CpuBf16Autocast autocast(true);
    context = nmt::weighted_sum(weights, values);
    from_bf16 = nmt::weighted_sum(in_bf16(weights), in_bf16(values.detach()));
  }
  REQUIRE(context.scalar_type() == torch::kFloat);  // fp32 values: not copied to bf16
  CHECK(torch::allclose(context, expected, 1e-6, 1e-6));
  context.sum().backward();  // as training does, after the guard
  CHECK(torch::allclose(values.grad(), weights.unsqueeze(2).expand({2, 5, 3}), 1e-6, 1e-6));
  CHECK(from_bf16.scalar_type() == torch::kBFloat16);
}

TEST_CASE("sparse normalizers under bf16 autocast: valid sparse weights close to fp32",
          "[model][precision][attention]") {
  const std::string normalizer = GENERATE(as<std::string>{}, "sparsemax", "entmax15");
  CAPTURE(normalizer);
  torch::manual_seed(5);
  nmt::Seq2Seq model(nmt::test::tiny_variant_config(normalizer, "gru", 1, nmt::DecoderStyle::luong),
                     16, 16);
  model->eval();
  const auto src = torch::randint(4, 16, {3, 7});
  const auto lengths = torch::tensor({7, 5, 2});
  const auto trg = torch::randint(4, 16, {3, 6});
  torch::NoGradGuard no_grad;
  for (auto& p : model->parameters()) p.mul_(4);  // scores far apart: weights with zeros
  const auto exact = model->forward(src, lengths, trg);
  REQUIRE((exact.weights.index({0}) == 0).sum().item<int64_t>() > 0);
  nmt::Seq2SeqOutput rounded;
  {
    const nmt::CpuBf16Autocast autocast(true);
    rounded = model->forward(src, lengths, trg);
  }
  const auto weights = rounded.weights.to(torch::kFloat);
  CHECK(weights.min().item<float>() >= 0);
  CHECK(torch::allclose(weights.sum(-1), torch::ones({3, 6}), 0, 2e-2));
  // Padding gets nothing, and the normalizer still gives exact zeros inside the sentences.
  CHECK(weights.index({2, torch::indexing::Slice(), torch::indexing::Slice(2)})
            .abs()
            .max()
            .item<float>() == 0);
  CHECK((weights.index({0}) == 0).sum().item<int64_t>() > 0);
  CHECK(torch::allclose(weights, exact.weights, 0, 0.05));
  // Logits within a few bf16 roundings of their scale.
  const auto error = (rounded.logits.to(torch::kFloat) - exact.logits).abs().max().item<float>();
  CHECK(error <= 0.05F * exact.logits.abs().max().item<float>());
}
