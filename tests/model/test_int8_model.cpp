// Every model nmt makes (each attention type and normalizer, the Transformer encoder; GRU and
// LSTM) reads the same batch in int8 (common/int8_matmuls.h) to within quantization error of
// fp32: the encoder, which runs position by position under int8, and the decoder's logits.
#include <catch2/catch.hpp>

#include "common/int8_matmuls.h"
#include "model/model_fixtures.h"
#include "model/seq2seq.h"
#include "support/tensor_asserts.h"

using nmt::test::pad_rows;
using nmt::test::tiny_variant_config;

namespace {

const std::vector<std::vector<int64_t>> kMixedSources = {{5, 9, 4, 11, 7}, {8, 6}, {12, 4, 4, 10}};
const std::vector<std::vector<int64_t>> kMixedTargetsIn = {{2, 9, 5}, {2, 7, 7, 13, 4, 6}, {2}};

// |a - b| <= `share` of b's largest magnitude, everywhere.
void require_within_share(const torch::Tensor& a, const torch::Tensor& b, double share) {
  nmt::test::require_close(a, b, share * b.abs().max().item<double>());
}

}  // namespace

TEST_CASE("int8: every model variant reads a batch as in fp32, to quantization error",
          "[int8][model]") {
  const std::string cell = GENERATE(as<std::string>{}, "gru", "lstm");
  const auto style = GENERATE(nmt::DecoderStyle::bahdanau, nmt::DecoderStyle::luong);
  const std::string variant = GENERATE(from_range(nmt::test::model_variants()));
  const int64_t layers = 2;
  CAPTURE(cell, style, variant);

  torch::manual_seed(7);
  auto config = tiny_variant_config(variant, cell, layers, style);
  // Hard attention (the one type this setting changes) reads with its soft context: the scores of a
  // tiny random model are near-equal, so their argmax flips under any quantization error (7-bit
  // activations flipped most sentences' picks), while the scorer's layers are what int8 changes.
  config.attention.inference = nmt::HardInference::expected;
  nmt::Seq2Seq model(config, 16, 15);
  model->eval();
  torch::NoGradGuard no_grad;
  const auto [src, src_len] = pad_rows(kMixedSources);
  const auto [trg_in, trg_len] = pad_rows(kMixedTargetsIn);
  const auto encoded = model->encode(src, src_len);
  const auto exact = model->forward(src, src_len, trg_in);

  nmt::Int8Weights weights;
  const nmt::Int8Scope int8(&weights);
  const auto quantized_encoding = model->encode(src, src_len);
  const auto quantized = model->forward(src, src_len, trg_in);
  CHECK(weights.size() > 0);
  // Per-row weights and per-tensor activations keep 7-8 bits: a few percent through the
  // layers of these tiny random models; real (larger) models stay closer (bench/RESULTS.md).
  require_within_share(quantized_encoding.states, encoded.states, 0.05);
  require_within_share(quantized_encoding.summary, encoded.summary, 0.05);
  CHECK(torch::equal(quantized_encoding.mask, encoded.mask));
  require_within_share(quantized.logits, exact.logits, 0.06);
  nmt::test::require_close(quantized.weights, exact.weights, 0.05);
  CHECK_FALSE(torch::equal(quantized.logits, exact.logits));  // int8 was in effect
  // Padding still reads as nothing: padded states are zero.
  CHECK(quantized_encoding.states[1].slice(0, 2).abs().max().item<float>() == 0.0f);
}
