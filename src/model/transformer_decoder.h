// The Transformer decoder of Vaswani et al. 2017 (sec. 3.1-3.5, 5.4): each layer has masked
// self-attention over the target prefix, multi-head attention over the encoder states (of
// either encoder type; a different size is projected) and a ReLU feed-forward block, each with
// a residual connection and layer normalisation, before the sublayer by default (pre-norm; a
// final one after the last layer) or after the residual sum (model.decoder.norm=post):
//   x = Dropout(Embedding(y) · √d + PE)
//   layers × { x = x + Dropout(SelfAttention(LN(x)));   (position t sees 0..t)
//              x = x + Dropout(SourceAttention(LN(x), encoder states));
//              x = x + Dropout(FF(LN(x))) }
//   outputs = LN(x);  logits = outputs Wᵀ (W: the target embeddings when tied)
// Dropout (model.decoder.dropout) applies to the embeddings, each sublayer's output, the
// feed-forward block's hidden layer and the attention weights. In search each layer keeps the keys
// and values of the positions so far, so step t costs O(t) rather than a pass over the prefix.
// Sizes: d = model.decoder.hidden (= embedding_dim), model.decoder.heads, model.decoder.ff_size.
#pragma once

#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/normalization.h>

#include <vector>

#include "common/linear.h"
#include "model/decoder.h"
#include "model/dropout.h"

namespace nmt {

struct DecoderConfig;

/// One decoder layer.
class TransformerDecoderLayerImpl : public torch::nn::Module {
 public:
  TransformerDecoderLayerImpl(int64_t dim, int64_t encoder_dim, int64_t heads, int64_t ff_size,
                              double dropout, bool pre_norm);

  /// The source's keys and values, projected once per batch: [B, heads, S, Dh] each, and the
  /// mask [B, 1, 1, S] (true = real token).
  struct Source {
    torch::Tensor keys, values, mask;
  };
  Source read_source(const EncoderOutput& encoded);

  /// The keys and values of the target positions read so far, [B, heads, t, Dh] each;
  /// undefined before the first.
  struct Cache {
    torch::Tensor keys, values;
  };

  struct Output {
    torch::Tensor states;   // [B, T, d]
    torch::Tensor weights;  // [B, heads, T, S] the source attention
  };
  /// x [B, T, d]: the T target positions after those in `cache`, which gains their keys and
  /// values. Each position attends to itself and the positions before it.
  Output forward(const torch::Tensor& x, Cache& cache, const Source& source);

 private:
  int64_t heads_;
  bool pre_norm_;
  torch::nn::LayerNorm self_norm_{nullptr}, source_norm_{nullptr}, feed_forward_norm_{nullptr};
  Linear self_qkv_{nullptr}, self_out_{nullptr};
  Linear source_query_{nullptr}, source_kv_{nullptr}, source_out_{nullptr};
  Linear feed_forward_in_{nullptr}, feed_forward_out_{nullptr};
  Dropout dropout_{nullptr};
};
TORCH_MODULE(TransformerDecoderLayer);

/// What the Transformer decoder carries from one search step to the next.
struct TransformerDecoderState : DecoderState {
  std::vector<TransformerDecoderLayerImpl::Cache> caches;    // per layer, [R, heads, t, Dh]
  std::vector<TransformerDecoderLayerImpl::Source> sources;  // per layer, [R, heads, S, Dh]
  void reorder(const torch::Tensor& rows, bool sources_too) override;
};

class TransformerDecoder : public Decoder {
 public:
  TransformerDecoder(const DecoderConfig& config, const DecoderShape& shape);

  std::unique_ptr<DecoderState> start(const EncoderOutput& encoded) override;
  DecoderStep step(const torch::Tensor& prev, DecoderState& state, int64_t t) override;
  DecoderOutput forward(const torch::Tensor& trg_in, const EncoderOutput& encoded) override;
  torch::Tensor output_weight() const override;
  void show_attention(const AttentionView& view) override;

 private:
  /// The layers over x (positions `first`.. of the target), weights as show_attention() says.
  DecoderOutput run(const torch::Tensor& ids, int64_t first, TransformerDecoderState& state);

  int64_t dim_, heads_;
  AttentionView view_;  // resolved: 0 <= layer < layers
  torch::nn::Embedding embedding_{nullptr};
  Dropout dropout_{nullptr};
  std::vector<TransformerDecoderLayer> layers_;
  torch::nn::LayerNorm final_norm_{nullptr};  // pre-norm only
  Linear output_{nullptr};                    // undefined when tied
};

}  // namespace nmt
