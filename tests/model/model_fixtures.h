// Test support for model tests: tiny configs and padded batches built by hand.
#pragma once

#include <torch/torch.h>

#include <vector>

#include "common/config.h"
#include "data/vocab.h"

namespace nmt::test {

/// A tiny model config: sizes differ on purpose so shape mistakes show.
inline ModelConfig tiny_model_config(const std::string& cell, int64_t layers,
                                     const std::string& style, const std::string& attention) {
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
