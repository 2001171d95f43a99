// The token embedding every encoder and decoder starts from: <pad> maps to a zero vector that
// receives no gradient. With model.shared_embeddings, the source and the target share one,
// which Seq2Seq owns.
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/embedding.h>

#include "data/vocab.h"

namespace nmt {

inline torch::nn::Embedding token_embedding(int64_t vocab_size, int64_t dim) {
  return torch::nn::Embedding(torch::nn::EmbeddingOptions(vocab_size, dim).padding_idx(kPadId));
}

/// The embedding an encoder or decoder (`part`) reads its tokens with: `shared` where the model
/// shares one, unregistered (its owner holds its parameters), else a new one registered in
/// `part` as "embedding".
inline torch::nn::Embedding part_embedding(torch::nn::Module& part,
                                           const torch::nn::Embedding& shared, int64_t vocab_size,
                                           int64_t dim) {
  if (shared) return shared;
  return part.register_module("embedding", token_embedding(vocab_size, dim));
}

}  // namespace nmt
