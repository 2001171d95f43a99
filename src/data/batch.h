// Tensors of one batch, as the model consumes them: source ids with </s>, target input
// (<s> y) and target output (y </s>), all padded with <pad>.
#pragma once

#include <torch/types.h>

#include "data/batching.h"
#include "data/dataset.h"

namespace nmt {

struct Batch {
  torch::Tensor src;          // [B, S] int64: x </s> <pad>...
  torch::Tensor src_lengths;  // [B] int64, </s> included
  torch::Tensor trg_in;       // [B, T] int64: <s> y <pad>...
  torch::Tensor trg_out;      // [B, T] int64: y </s> <pad>...
  int64_t trg_tokens = 0;     // real target tokens (</s> included): the loss is per token
  int64_t size() const { return src.size(0); }
  Batch to(const torch::Device& device) const;
};

/// The pairs `indices` of `corpus` as tensors (on the CPU).
Batch make_batch(const EncodedCorpus& corpus, const std::vector<int64_t>& indices);

/// Source side only: sentences[indices] as src [B, S] (x </s> <pad>...) and lengths [B]
/// (</s> included), on the CPU.
std::pair<torch::Tensor, torch::Tensor> make_source_batch(
    const std::vector<std::vector<int>>& sentences, const std::vector<int64_t>& indices);

}  // namespace nmt
