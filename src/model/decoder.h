// The RNN decoder with attention, in two styles (model.decoder.style):
//  bahdanau (Bahdanau et al. 2015): query = previous state z_{t-1}; the context c_t enters
//           the RNN with the previous target embedding: z_t = RNN([e(y_{t-1}); c_t], z_{t-1}).
//  luong    (Luong et al. 2015):    z_t = RNN([e(y_{t-1}); o_{t-1}] or e(y_{t-1}), z_{t-1});
//           query = z_t; o_{t-1} is fed only with input_feeding.
// Both predict from the attentional vector o_t = tanh(W [z_t; c_t]).
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/dropout.h>
#include <torch/nn/modules/embedding.h>
#include <torch/types.h>

#include <memory>

#include "attention/attention.h"
#include "common/linear.h"
#include "model/encoder.h"
#include "model/rnn.h"

namespace nmt {

struct DecoderConfig;
struct AttentionConfig;

/// What the decoder carries from one step to the next.
struct DecoderState {
  RnnState rnn;             // [layers, B, H]
  torch::Tensor feed;       // [B, H] previous attentional vector (luong with input feeding)
  torch::Tensor attention;  // the attention type's own state (e.g. coverage), undefined if none
  DecoderState index_select(const torch::Tensor& rows) const;
};

struct DecoderStep {
  torch::Tensor output;      // [B, H] attentional vector o_t
  AttentionResult attended;  // the step's attention (context, weights, a stochastic sample)
};

struct DecoderOutput {
  torch::Tensor outputs;  // [B, T, H]
  torch::Tensor weights;  // [B, T, S]
  PolicySamples policy;   // a stochastic attention's samples (training), else undefined
};

class DecoderImpl : public torch::nn::Module {
 public:
  DecoderImpl(const DecoderConfig& config, const AttentionConfig& attention, int64_t vocab_size,
              int64_t encoder_dim);

  /// Attention memory of a batch (computed once, shared by all steps).
  AttentionMemory prepare(const EncoderOutput& encoded);
  /// The state before the first step: bridge from the encoder summary, or zeros.
  DecoderState initial_state(const EncoderOutput& encoded);
  /// One step for every row: prev [B] int64 previous target ids; `state` is advanced.
  DecoderStep step(const torch::Tensor& prev, DecoderState& state, const AttentionMemory& memory,
                   int64_t t);
  /// Teacher forcing over trg_in [B, T] (starting with <s>).
  DecoderOutput forward(const torch::Tensor& trg_in, DecoderState state,
                        const AttentionMemory& memory);
  /// outputs [..., H] -> unnormalised scores [..., V].
  torch::Tensor logits(const torch::Tensor& outputs);
  /// The output layer's weight [V, H]: logits(o) = o Wᵀ (the embeddings when tied).
  torch::Tensor output_weight() const;
  /// The attention's REINFORCE term for a forward()'s samples (see Attention::policy_loss).
  PolicyLoss policy_loss(const PolicySamples& samples, const torch::Tensor& token_loss,
                         const torch::Tensor& target_mask);

 private:
  /// step() from the projection of the step's target embedding into the RNN's input gates.
  DecoderStep step_from(const torch::Tensor& embedded, DecoderState& state,
                        const AttentionMemory& memory, int64_t t);
  DecoderStep attend_and_output(const torch::Tensor& z, AttentionResult attended);

  bool luong_ = true, input_feeding_ = true;
  int64_t hidden_ = 0;
  torch::nn::Embedding embedding_{nullptr};
  torch::nn::Dropout dropout_{nullptr};
  Rnn rnn_{nullptr};
  std::shared_ptr<Attention> attention_;
  Linear bridge_{nullptr}, attentional_{nullptr}, output_{nullptr};
};
TORCH_MODULE(Decoder);

}  // namespace nmt
