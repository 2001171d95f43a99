// Model options: tied output embeddings, bridge vs zero initial state, LSTM cell state, the
// RNN decoder's attention state.
#include <catch2/catch.hpp>

#include "common/errors.h"
#include "model/model_fixtures.h"
#include "model/rnn_decoder.h"
#include "model/seq2seq.h"

namespace {

int64_t parameter_count(torch::nn::Module& m) {
  int64_t n = 0;
  for (const auto& p : m.parameters()) n += p.numel();
  return n;
}

nmt::RnnDecoder& rnn_decoder(nmt::Seq2SeqImpl& model) {
  return dynamic_cast<nmt::RnnDecoder&>(model.decoder());
}

}  // namespace

TEST_CASE("model: tied embeddings share the output projection", "[model][tied]") {
  auto config = nmt::test::tiny_model_config("gru", 1, nmt::DecoderStyle::luong, "dot");
  config.decoder.embedding_dim = config.decoder.hidden;
  nmt::Seq2Seq untied(config, 16, 15);
  config.decoder.tied_embeddings = true;
  nmt::Seq2Seq tied(config, 16, 15);
  // Untied has its own [V=15, H=8] output matrix.
  CHECK(parameter_count(*untied) - parameter_count(*tied) == 15 * 8);

  // The logits of a tied model are the attentional vectors times the target embeddings.
  torch::NoGradGuard no_grad;
  tied->eval();
  const auto [src, src_len] = nmt::test::pad_rows({{5, 6, 7}});
  const auto trg_in = nmt::test::pad_rows({{2, 9}}).first;
  const auto out = tied->decoder().forward(trg_in, tied->encode(src, src_len));
  const auto embedding = tied->decoder().named_parameters()["embedding.weight"];
  CHECK(torch::allclose(tied->decoder().logits(out.outputs),
                        torch::matmul(out.outputs, embedding.t())));

  config.decoder.embedding_dim = 5;
  REQUIRE_THROWS_WITH(nmt::Seq2Seq(config, 16, 15),
                      Catch::Contains("model.decoder.tied_embeddings: needs "
                                      "model.decoder.embedding_dim (5) equal to "
                                      "model.decoder.hidden (8)"));
}

TEST_CASE("model: the initial decoder state comes from the bridge or is zero", "[model][bridge]") {
  const std::string cell = GENERATE(as<std::string>{}, "gru", "lstm");
  auto config = nmt::test::tiny_model_config(cell, 2, nmt::DecoderStyle::bahdanau, "mlp");
  const auto [src, src_len] = nmt::test::pad_rows({{5, 6, 7}, {8}});
  torch::NoGradGuard no_grad;

  nmt::Seq2Seq bridged(config, 16, 15);
  const auto encoded = bridged->encode(src, src_len);
  const auto state = rnn_decoder(*bridged).initial_state(encoded);
  REQUIRE(state.rnn.h.sizes() == std::vector<int64_t>{2, 2, 8});  // [layers, B, H]
  // Both layers start from tanh(W summary + b), which is not zero for a random W.
  CHECK(torch::allclose(state.rnn.h[0], state.rnn.h[1]));
  CHECK(state.rnn.h.abs().sum().item<double>() > 0);
  CHECK(state.rnn.c.defined() == (cell == "lstm"));
  CHECK_FALSE(state.feed.defined());  // bahdanau has no input feeding

  config.decoder.init = nmt::DecoderInit::zeros;
  nmt::Seq2Seq zeroed(config, 16, 15);
  const auto zero_state = rnn_decoder(*zeroed).initial_state(zeroed->encode(src, src_len));
  CHECK(zero_state.rnn.h.abs().sum().item<double>() == 0);
}

TEST_CASE("model: the decoder carries the attention's state from step to step",
          "[model][coverage]") {
  const auto style = GENERATE(nmt::DecoderStyle::bahdanau, nmt::DecoderStyle::luong);
  CAPTURE(style);
  nmt::Seq2Seq model(nmt::test::tiny_model_config("gru", 1, style, "coverage"), 16, 15);
  torch::NoGradGuard no_grad;
  model->eval();
  const auto [src, src_len] = nmt::test::pad_rows({{5, 6, 7, 8}, {9, 10}});
  const auto encoded = model->encode(src, src_len);
  auto& decoder = rnn_decoder(*model);
  auto state = decoder.initial_state(encoded);
  REQUIRE_FALSE(state.attention.defined());
  const auto first = decoder.step(torch::tensor({2, 2}), state, 0);
  REQUIRE(torch::allclose(state.attention, first.weights));
  const auto second = decoder.step(torch::tensor({11, 12}), state, 1);
  // Coverage after two steps: the sum of both steps' weights.
  REQUIRE(torch::allclose(state.attention, first.weights + second.weights));
  // Teacher forcing carries it the same way: its weights are the steps' weights.
  const auto trg_in = torch::tensor({{2, 11}, {2, 12}});
  const auto out = decoder.forward(trg_in, encoded);
  REQUIRE(torch::allclose(out.weights.select(1, 1), second.weights));
}

TEST_CASE("model: shared embeddings are one parameter that source and target both train",
          "[model][shared]") {
  const std::string variant = GENERATE(as<std::string>{}, "mlp", "transformer");
  CAPTURE(variant);
  auto config = nmt::test::tiny_variant_config(variant, "gru", 1, nmt::DecoderStyle::luong);
  config.encoder.embedding_dim = config.decoder.embedding_dim = 8;
  if (variant == "transformer") config.encoder.hidden = 8;
  nmt::Seq2Seq separate(config, 16, 16);
  config.shared_embeddings = true;
  nmt::Seq2Seq shared(config, 16, 16);
  CHECK(parameter_count(*separate) - parameter_count(*shared) == 16 * 8);
  const auto parameters = shared->named_parameters();
  CHECK(parameters.contains("shared_embedding.weight"));
  CHECK_FALSE(parameters.contains("encoder.embedding.weight"));
  CHECK_FALSE(parameters.contains("decoder.embedding.weight"));

  // Source pieces 5-7 and target pieces 9-10 (none of them on the other side) all get a gradient.
  const auto [src, src_len] = nmt::test::pad_rows({{5, 6, 7}});
  const auto trg_in = nmt::test::pad_rows({{2, 9, 10}}).first;
  shared->forward(src, src_len, trg_in).logits.pow(2).sum().backward();
  const auto row_norms = parameters["shared_embedding.weight"].grad().norm(2, {1});
  for (const int64_t piece : {5, 6, 7, 9, 10}) {
    CAPTURE(piece);
    CHECK(row_norms[piece].item<double>() > 0);
  }
  CHECK(row_norms[12].item<double>() == 0);  // read by neither side (the output layer is untied)

  REQUIRE_THROWS_WITH(nmt::Seq2Seq(config, 16, 15),
                      Catch::Contains("model.shared_embeddings: needs one vocabulary for both "
                                      "languages (data.subwords.joint: true; here 16 and 15"));
}
