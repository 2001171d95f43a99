// The token embedding every encoder and decoder starts from: <pad> maps to a zero vector that
// receives no gradient.
#pragma once

#include <torch/nn/modules/embedding.h>

#include "data/vocab.h"

namespace nmt {

inline torch::nn::Embedding token_embedding(int64_t vocab_size, int64_t dim) {
  return torch::nn::Embedding(torch::nn::EmbeddingOptions(vocab_size, dim).padding_idx(kPadId));
}

}  // namespace nmt
