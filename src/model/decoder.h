// The decoder interface: what training, search, ensembles and the attention tools ask of a
// decoder, so that none of them knows whether it is recurrent (model/rnn_decoder.h) or
// self-attentive (model/transformer_decoder.h). A decoder reads the encoder's output, predicts
// each target position from the earlier ones, and shows where it attended in the source.
// A new decoder is one file plus one line in model/architectures.cpp.
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/embedding.h>
#include <torch/types.h>

#include <cstdint>
#include <memory>

#include "attention/attention.h"
#include "model/encoder.h"

namespace nmt {

/// What a decoder keeps between search steps for a batch of rows (one per hypothesis): the
/// rows' own state (a recurrent state, self-attention caches) and what they read of their
/// sentence's source (attention memory).
class DecoderState {
 public:
  virtual ~DecoderState() = default;
  /// Keeps rows `rows` ([R'] int64, repeats allowed), in that order. `sources` false: each
  /// kept row reads the same sentence as the row it replaces (beam search reordering within
  /// sentences), so what is read of the sources stays as it is, uncopied.
  virtual void reorder(const torch::Tensor& rows, bool sources) = 0;
};

struct DecoderStep {
  torch::Tensor output;   // [R, H] what logits() maps to the next token's scores
  torch::Tensor weights;  // [R, S] the attention over the source positions (AttentionView)
};

struct DecoderOutput {
  torch::Tensor outputs;  // [B, T, H]
  torch::Tensor weights;  // [B, T, S] the attention over the source positions (AttentionView)
  PolicySamples policy;   // a stochastic attention's samples (training), else undefined
};

/// Which source attention a decoder of several layers and heads reports as its weights.
struct AttentionView {
  int64_t layer = -1;  // 0-based; negative counts from the last layer
  int64_t head = -1;   // 0-based; -1: the mean of the layer's heads
};

class Decoder : public torch::nn::Module {
 public:
  /// The state before the first step of every sentence of `encoded`'s batch, one row each.
  virtual std::unique_ptr<DecoderState> start(const EncoderOutput& encoded) = 0;
  /// One step of every row: prev [R] int64 the previous target ids (<s> at t = 0). Advances
  /// `state`, which this decoder's start() made.
  virtual DecoderStep step(const torch::Tensor& prev, DecoderState& state, int64_t t) = 0;
  /// Teacher forcing over trg_in [B, T] (<s> first): the outputs of T steps, at once.
  virtual DecoderOutput forward(const torch::Tensor& trg_in, const EncoderOutput& encoded) = 0;
  /// The output layer's weight [V, H]: logits(o) = o Wᵀ (the target embeddings when tied).
  virtual torch::Tensor output_weight() const = 0;
  /// outputs [..., H] -> unnormalised scores [..., V].
  torch::Tensor logits(const torch::Tensor& outputs);
  /// A stochastic attention's REINFORCE term for a forward()'s samples, given each target
  /// token's loss [B, T] and the target mask [B, T] (Attention::policy_loss); else undefined.
  virtual PolicyLoss policy_loss(const PolicySamples& samples, const torch::Tensor& token_loss,
                                 const torch::Tensor& target_mask);
  /// Which attention step() and forward() report from now on; throws Error naming
  /// --attention-layer or --attention-head when this decoder has no such layer or head.
  virtual void show_attention(const AttentionView& view) = 0;
};

/// What a decoder is built for besides its config.
struct DecoderShape {
  int64_t vocab_size = 0;                          // target vocabulary
  int64_t encoder_dim = 0;                         // Dv, the size of each encoder state
  torch::nn::Embedding shared_embedding{nullptr};  // model.shared_embeddings, else undefined
};

}  // namespace nmt
