// Padding must not change results: each sentence of a padded batch gets the same encoder
// states and decoder outputs as when run alone.
#include <catch2/catch.hpp>

#include "model/model_fixtures.h"
#include "model/seq2seq.h"
#include "support/tensor_asserts.h"

using nmt::test::pad_rows;
using nmt::test::tiny_variant_config;

namespace {

// Three sentences of different lengths on both sides (ids above the specials).
const std::vector<std::vector<int64_t>> kSrc = {{5, 9, 4, 11, 7}, {8, 6}, {12, 4, 4, 10}};
const std::vector<std::vector<int64_t>> kTrgIn = {{2, 9, 5}, {2, 7, 7, 13, 4, 6}, {2}};

}  // namespace

TEST_CASE("model: a padded batch equals each sentence run alone", "[model][padding]") {
  const std::string cell = GENERATE(as<std::string>{}, "gru", "lstm");
  const int64_t layers = GENERATE(as<int64_t>{}, 1, 2);
  const auto style = GENERATE(nmt::DecoderStyle::bahdanau, nmt::DecoderStyle::luong);
  // Every attention type and the Transformer encoder (nmt::test::model_variants()).
  const std::string attention = GENERATE(from_range(nmt::test::model_variants()));
  CAPTURE(cell, layers, style, attention);

  torch::manual_seed(7);
  nmt::Seq2Seq model(tiny_variant_config(attention, cell, layers, style), 16, 15);
  model->eval();
  torch::NoGradGuard no_grad;

  const auto [src, src_len] = pad_rows(kSrc);
  const auto [trg_in, trg_len] = pad_rows(kTrgIn);
  const auto batch = model->forward(src, src_len, trg_in);
  const auto batch_encoded = model->encode(src, src_len);

  for (size_t i = 0; i < kSrc.size(); ++i) {
    const auto [one_src, one_len] = pad_rows({kSrc[i]});
    const auto [one_trg, one_trg_len] = pad_rows({kTrgIn[i]});
    const auto alone = model->forward(one_src, one_len, one_trg);
    const auto encoded = model->encode(one_src, one_len);
    const int64_t s = static_cast<int64_t>(kSrc[i].size());
    const int64_t t = static_cast<int64_t>(kTrgIn[i].size());
    const auto row = static_cast<int64_t>(i);

    nmt::test::require_close(batch_encoded.states[row].slice(0, 0, s), encoded.states[0], 1e-5);
    nmt::test::require_close(batch_encoded.summary[row], encoded.summary[0], 1e-5);
    nmt::test::require_close(batch.logits[row].slice(0, 0, t), alone.logits[0], 1e-5);
    nmt::test::require_close(batch.weights[row].slice(0, 0, t).slice(1, 0, s), alone.weights[0],
                             1e-5);
    // Padded source positions get no attention at all.
    if (s < src.size(1)) {
      CHECK(batch.weights[row].slice(1, s).abs().max().item<float>() == 0.0f);
    }
  }
}
