// Test support for model tests: tiny configs and padded batches built by hand.
#pragma once

#include <torch/torch.h>

#include <string>
#include <vector>

#include "attention/registry.h"
#include "common/config.h"
#include "data/vocab.h"

namespace nmt::test {

/// A tiny model config: sizes differ on purpose so shape mistakes show.
inline ModelConfig tiny_model_config(const std::string& cell, int64_t layers, DecoderStyle style,
                                     const std::string& attention) {
  ModelConfig c;
  c.encoder.rnn = c.decoder.rnn = cell;
  c.encoder.layers = c.decoder.layers = layers;
  c.encoder.embedding_dim = 6;
  c.encoder.hidden = 5;
  c.encoder.bidirectional = true;
  c.encoder.dropout = c.decoder.dropout = 0;
  c.decoder.embedding_dim = 7;
  c.decoder.hidden = 8;
  c.decoder.style = style;
  c.attention.type = attention;
  return c;
}

/// Every model the registries make: each attention type by name, then "transformer_encoder"
/// (mlp attention over a self-attention encoder), "transformer" (the Transformer decoder over
/// the Transformer encoder), "transformer_decoder" (the Transformer decoder over the RNN
/// encoder), then each normalizer but softmax by name (mlp scores, normalised by it; coverage
/// with entmax15, whose weights and so coverage have exact zeros).
inline std::vector<std::string> model_variants() {
  auto variants = attention_types();
  variants.push_back("transformer_encoder");
  variants.push_back("transformer");
  variants.push_back("transformer_decoder");
  variants.push_back("sparsemax");
  variants.push_back("entmax15");
  return variants;
}

/// tiny_model_config for one of model_variants(), with the type's parameters set so that
/// what makes it different shows: 2 heads, a window of 1 position each side.
inline ModelConfig tiny_variant_config(const std::string& variant, const std::string& cell,
                                       int64_t layers, DecoderStyle style) {
  const bool transformer_encoder = variant == "transformer_encoder" || variant == "transformer";
  const bool transformer_decoder = variant == "transformer" || variant == "transformer_decoder";
  const bool normalizer = variant == "sparsemax" || variant == "entmax15";
  auto c = tiny_model_config(cell, layers, style,
                             transformer_encoder || transformer_decoder ? "mlp"
                             : variant == "entmax15"                    ? "coverage"
                             : normalizer                               ? "mlp"
                                                                        : variant);
  if (normalizer) c.attention.normalizer = variant;
  c.attention.heads = 2;
  c.attention.window = 1;
  if (transformer_encoder) {
    c.encoder.type = "transformer";
    c.encoder.embedding_dim = c.encoder.hidden = 6;
    c.encoder.heads = 2;
    c.encoder.ff_size = 12;
    c.encoder.layers = 2;
  }
  if (transformer_decoder) {  // over encoder states of another size (6, or 2 x 5)
    c.decoder.type = "transformer";
    c.decoder.embedding_dim = c.decoder.hidden = 8;
    c.decoder.heads = 2;
    c.decoder.ff_size = 12;
    c.decoder.layers = 2;
  }
  return c;
}

/// Rows of ids padded with kPadId into [B, maxlen] plus lengths [B].
inline std::pair<torch::Tensor, torch::Tensor> pad_rows(
    const std::vector<std::vector<int64_t>>& rows) {
  int64_t longest = 0;
  for (const auto& r : rows) longest = std::max<int64_t>(longest, static_cast<int64_t>(r.size()));
  auto ids = torch::full({static_cast<int64_t>(rows.size()), longest}, kPadId, torch::kInt64);
  auto lengths = torch::empty({static_cast<int64_t>(rows.size())}, torch::kInt64);
  for (size_t i = 0; i < rows.size(); ++i) {
    for (size_t j = 0; j < rows[i].size(); ++j) ids[i][j] = rows[i][j];
    lengths[i] = static_cast<int64_t>(rows[i].size());
  }
  return {ids, lengths};
}

}  // namespace nmt::test
