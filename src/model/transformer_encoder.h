// The self-attention encoder of Vaswani et al. 2017 (sec. 3.1-3.5). By default layer
// normalisation comes before each sublayer (pre-norm, Xiong et al. 2020; Joey NMT's default),
// which trains without warm-up at the learning rates of the RNN recipes:
//   x = Dropout(Embedding(src) · √d + PE)
//   layers × { x = x + Dropout(SelfAttention(LN(x)));  x = x + Dropout(FF(LN(x))) }
//   states = LN(x), 0 at padding; summary = mean of the states over real positions.
// model.encoder.norm=post places it after each residual sum, as the paper does:
//   layers × { x = LN(x + Dropout(SelfAttention(x)));  x = LN(x + Dropout(FF(x))) }
// Dropout (model.encoder.dropout) applies to the embeddings, each sublayer's output, the
// feed-forward block's hidden layer and the attention weights. Padding is masked as a key, so no
// position attends to it and a sentence's states do not depend on how much padding its batch has.
// Sizes: d = model.encoder.hidden (which must equal embedding_dim), model.encoder.heads, and the
// feed-forward size model.encoder.ff_size.
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/normalization.h>
#include <torch/types.h>

#include <vector>

#include "common/linear.h"
#include "model/dropout.h"
#include "model/encoder.h"

namespace nmt {

/// Sinusoidal positional encodings (Vaswani et al. 2017, sec. 3.5) of positions first, ...,
/// first + length - 1, [length, dim]:
/// PE[p, 2i] = sin(p / 10000^(2i/dim)), PE[p, 2i+1] = cos(p / 10000^(2i/dim)).
torch::Tensor sinusoidal_positions(int64_t length, int64_t dim, const torch::TensorOptions& options,
                                   int64_t first = 0);

/// One encoder layer: multi-head self-attention and a ReLU feed-forward block, each with a
/// residual connection, normalised before (pre_norm) or after.
class SelfAttentionLayerImpl : public torch::nn::Module {
 public:
  SelfAttentionLayerImpl(int64_t dim, int64_t heads, int64_t ff_size, double dropout,
                         bool pre_norm = true);

  struct Output {
    torch::Tensor states;   // [B, S, d]
    torch::Tensor weights;  // [B, heads, S, S]: query position -> key position
  };
  /// x [B, S, d], mask [B, S] bool (true = real token).
  Output forward(const torch::Tensor& x, const torch::Tensor& mask);

 private:
  int64_t heads_;
  bool pre_norm_;
  torch::nn::LayerNorm attention_norm_{nullptr}, feed_forward_norm_{nullptr};
  Linear qkv_{nullptr}, out_{nullptr}, feed_forward_in_{nullptr}, feed_forward_out_{nullptr};
  Dropout dropout_{nullptr};
};
TORCH_MODULE(SelfAttentionLayer);

class TransformerEncoder : public Encoder {
 public:
  TransformerEncoder(const EncoderConfig& config, const EncoderShape& shape);
  EncoderOutput forward(const torch::Tensor& src, const torch::Tensor& lengths) override;
  int64_t output_dim() const override { return dim_; }

 private:
  int64_t dim_;
  torch::nn::Embedding embedding_{nullptr};
  Dropout dropout_{nullptr};
  std::vector<SelfAttentionLayer> layers_;
  torch::nn::LayerNorm final_norm_{nullptr};  // pre-norm only
};

}  // namespace nmt
