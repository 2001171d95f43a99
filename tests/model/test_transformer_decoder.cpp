// The Transformer decoder: incremental decoding (cached keys and values) against the full pass,
// the causal mask, gradients against finite differences, which attention it shows, and the
// encoder and decoder registries. Padding, beam search against exhaustive search, ensembles and
// int8 cover it among nmt::test::model_variants().
#include <catch2/catch.hpp>

#include "common/config.h"
#include "common/errors.h"
#include "model/model_fixtures.h"
#include "model/seq2seq.h"
#include "model/transformer_decoder.h"
#include "support/finite_difference.h"
#include "support/tensor_asserts.h"

using nmt::test::pad_rows;
using nmt::test::require_close;

namespace {

const std::vector<std::vector<int64_t>> kDecoderSources = {
    {5, 9, 4, 11, 7}, {8, 6}, {12, 4, 4, 10}};
const std::vector<std::vector<int64_t>> kDecoderTargetsIn = {
    {2, 9, 5, 6, 7, 8}, {2, 7, 7, 13, 4, 6}, {2, 3, 10, 11, 12, 5}};

// A tiny Transformer decoder over the `encoder` type, in `norm` order.
nmt::Seq2Seq tiny_transformer(const std::string& encoder, nmt::LayerNorm norm, uint64_t seed) {
  auto config = nmt::test::tiny_variant_config(
      encoder == "transformer" ? "transformer" : "transformer_decoder", "gru", 1,
      nmt::DecoderStyle::luong);
  config.encoder.norm = config.decoder.norm = norm;
  config.decoder.layers = 3;
  torch::manual_seed(seed);
  nmt::Seq2Seq model(config, 16, 15);
  model->eval();
  return model;
}

}  // namespace

TEST_CASE("transformer decoder: each incremental step equals the full pass",
          "[model][transformer_decoder]") {
  const std::string encoder = GENERATE(as<std::string>{}, "transformer", "rnn");
  const auto norm = GENERATE(nmt::LayerNorm::pre, nmt::LayerNorm::post);
  CAPTURE(encoder, norm);
  auto model = tiny_transformer(encoder, norm, 41);
  torch::NoGradGuard no_grad;
  const auto [src, src_len] = pad_rows(kDecoderSources);
  const auto trg_in = pad_rows(kDecoderTargetsIn).first;
  const auto full = model->forward(src, src_len, trg_in);  // logits [B, T, V], weights [B, T, S]

  auto& decoder = model->decoder();
  auto state = decoder.start(model->encode(src, src_len));
  // Halfway, the rows are reordered as beam search does (row 2 twice, row 0 dropped).
  const auto rows = torch::tensor({2, 1, 2}, torch::kLong);
  auto expected_logits = full.logits, expected_weights = full.weights;
  for (int64_t t = 0; t < trg_in.size(1); ++t) {
    CAPTURE(t);
    if (t == 3) {
      state->reorder(rows, /*sources=*/true);
      expected_logits = expected_logits.index_select(0, rows);
      expected_weights = expected_weights.index_select(0, rows);
    }
    const auto ids = (t < 3 ? trg_in : trg_in.index_select(0, rows)).select(1, t);
    const auto step = decoder.step(ids, *state, t);
    require_close(decoder.logits(step.output), expected_logits.select(1, t), 1e-5);
    require_close(step.weights, expected_weights.select(1, t), 1e-5);
  }
}

TEST_CASE("transformer decoder: changing a target token changes no earlier output",
          "[model][transformer_decoder]") {
  const auto norm = GENERATE(nmt::LayerNorm::pre, nmt::LayerNorm::post);
  CAPTURE(norm);
  auto model = tiny_transformer("transformer", norm, 42);
  torch::NoGradGuard no_grad;
  const auto [src, src_len] = pad_rows(kDecoderSources);
  const auto trg_in = pad_rows(kDecoderTargetsIn).first;
  const auto before = model->forward(src, src_len, trg_in).logits;
  for (int64_t k = 1; k < trg_in.size(1); ++k) {
    CAPTURE(k);
    auto changed = trg_in.clone();
    changed.select(1, k).fill_(14);  // a token none of the rows has there
    const auto after = model->forward(src, src_len, changed).logits;
    // Outputs 0 .. k-1 read tokens 0 .. k-1 only: the same bits.
    CHECK(torch::equal(after.slice(1, 0, k), before.slice(1, 0, k)));
    CHECK((after.select(1, k) - before.select(1, k)).abs().max().item<double>() > 1e-6);
  }
}

TEST_CASE("transformer decoder: gradients match finite differences",
          "[model][transformer_decoder]") {
  const auto norm = GENERATE(nmt::LayerNorm::pre, nmt::LayerNorm::post);
  CAPTURE(norm);
  auto config = nmt::test::tiny_variant_config("transformer", "gru", 1, nmt::DecoderStyle::luong);
  config.encoder.norm = config.decoder.norm = norm;
  config.encoder.embedding_dim = config.encoder.hidden = 4;
  config.decoder.embedding_dim = config.decoder.hidden = 4;
  config.encoder.ff_size = config.decoder.ff_size = 6;
  config.encoder.layers = 1;
  torch::manual_seed(43);
  nmt::Seq2Seq model(config, 8, 7);
  model->to(torch::kDouble);
  const auto padded = pad_rows({{5, 6, 3}, {7, 3}});
  const auto& src = padded.first;
  const auto& src_len = padded.second;
  const auto trg_in = pad_rows({{2, 4, 5}, {2, 6}}).first;
  auto readout = torch::randn({2, 3, 7}, torch::kDouble);
  readout[1][2].zero_();  // the padded target position (the <pad> embedding gets no gradient)
  const auto loss = [&] { return (model->forward(src, src_len, trg_in).logits * readout).sum(); };
  nmt::test::require_gradients_match(loss, model->parameters(), 1e-4);
}

TEST_CASE("transformer decoder: the attention shown is a layer's head or its heads' mean",
          "[model][transformer_decoder]") {
  auto model = tiny_transformer("transformer", nmt::LayerNorm::pre, 44);
  torch::NoGradGuard no_grad;
  const auto padded = pad_rows(kDecoderSources);
  const auto& src = padded.first;
  const auto& src_len = padded.second;
  const auto trg_in = pad_rows(kDecoderTargetsIn).first;
  auto& decoder = model->decoder();
  const auto weights = [&](int64_t layer, int64_t head) {
    decoder.show_attention({layer, head});
    return model->forward(src, src_len, trg_in).weights;
  };
  const auto mean = weights(-1, -1);
  require_close(mean, (weights(2, 0) + weights(2, 1)) / 2, 1e-6);
  CHECK_FALSE(torch::allclose(weights(0, 0), weights(2, 0)));
  CHECK_FALSE(torch::allclose(weights(2, 0), weights(2, 1)));
  require_close(weights(1, -1).sum(-1), torch::ones({3, 6}), 1e-5);  // each row sums to 1
  // Padding positions of the source (row 1 has 2 of 5) get nothing.
  CHECK(weights(-3, 1)[1].slice(1, 2).abs().max().item<float>() == 0.0f);
  CHECK_THROWS_WITH(decoder.show_attention({3, -1}),
                    "--attention-layer 3: the decoder has 3 layers (0 to 2, or -1 for the last)");
  CHECK_THROWS_WITH(decoder.show_attention({-4, -1}), Catch::Contains("--attention-layer -4"));
  CHECK_THROWS_WITH(decoder.show_attention({0, 2}),
                    "--attention-head 2: the decoder has 2 heads (0 to 1, or -1 for their mean)");
  auto rnn =
      nmt::Seq2Seq(nmt::test::tiny_model_config("gru", 1, nmt::DecoderStyle::luong, "mlp"), 16, 15);
  CHECK_NOTHROW(rnn->decoder().show_attention({0, -1}));
  CHECK_THROWS_WITH(rnn->decoder().show_attention({1, -1}),
                    Catch::Contains("the RNN decoder has one attention"));
}

TEST_CASE("transformer decoder: sizes that do not fit name the key",
          "[model][transformer_decoder]") {
  auto config = nmt::test::tiny_variant_config("transformer", "gru", 1, nmt::DecoderStyle::luong);
  config.decoder.heads = 3;
  REQUIRE_THROWS_WITH(nmt::Seq2Seq(config, 16, 15),
                      Catch::Contains("model.decoder.heads: 3 heads"));
  config = nmt::test::tiny_variant_config("transformer", "gru", 1, nmt::DecoderStyle::luong);
  config.decoder.embedding_dim = 6;
  REQUIRE_THROWS_WITH(nmt::Seq2Seq(config, 16, 15),
                      Catch::Contains("model.decoder.embedding_dim: the transformer decoder"));
}

TEST_CASE("registries: an unknown encoder, decoder or cell type is one line listing the known ones",
          "[model][registry]") {
  auto config = nmt::test::tiny_model_config("gru", 1, nmt::DecoderStyle::luong, "mlp");
  config.decoder.type = "lstm";
  REQUIRE_THROWS_WITH(
      nmt::Seq2Seq(config, 16, 15),
      "model.decoder.type: unknown value 'lstm' (expected one of: rnn, transformer)");
  config.decoder.type = "rnn";
  config.encoder.type = "cnn";
  REQUIRE_THROWS_WITH(nmt::Seq2Seq(config, 16, 15),
                      "model.encoder.type: unknown value 'cnn' (expected one of: rnn, "
                      "transformer)");
  config.encoder.type = "rnn";
  config.encoder.rnn = "elman";
  REQUIRE_THROWS_WITH(nmt::Seq2Seq(config, 16, 15),
                      "model.encoder.rnn: unknown value 'elman' (expected one of: gru, lstm)");
  config.encoder.rnn = "gru";
  config.decoder.rnn = "LSTM";
  REQUIRE_THROWS_WITH(nmt::Seq2Seq(config, 16, 15),
                      "model.decoder.rnn: unknown value 'LSTM' (expected one of: gru, lstm)");
}
