// The RNN decoder with attention, in two styles (model.decoder.style):
//  bahdanau (Bahdanau et al. 2015): query = previous state z_{t-1}; the context c_t enters
//           the RNN with the previous target embedding: z_t = RNN([e(y_{t-1}); c_t], z_{t-1}).
//  luong    (Luong et al. 2015):    z_t = RNN([e(y_{t-1}); o_{t-1}] or e(y_{t-1}), z_{t-1});
//           query = z_t; o_{t-1} is fed only with input_feeding.
// Both predict from the attentional vector o_t = tanh(W [z_t; c_t]). The attention is any type
// of the attention registry (attention/registry.h).
#pragma once

#include <torch/nn/modules/embedding.h>

#include <memory>

#include "attention/attention.h"
#include "common/linear.h"
#include "model/decoder.h"
#include "model/dropout.h"
#include "model/rnn.h"

namespace nmt {

struct DecoderConfig;
struct AttentionConfig;

/// What the RNN decoder carries from one step to the next.
struct RnnDecoderState : DecoderState {
  RnnState rnn;             // [layers, R, H]
  torch::Tensor feed;       // [R, H] previous attentional vector (luong with input feeding)
  torch::Tensor attention;  // the attention type's own state (e.g. coverage), undefined if none
  AttentionMemory memory;   // [R, S, ...] the attention's precomputation of the sources
  void reorder(const torch::Tensor& rows, bool sources) override;
};

class RnnDecoder : public Decoder {
 public:
  RnnDecoder(const DecoderConfig& config, const AttentionConfig& attention,
             const DecoderShape& shape);

  std::unique_ptr<DecoderState> start(const EncoderOutput& encoded) override;
  DecoderStep step(const torch::Tensor& prev, DecoderState& state, int64_t t) override;
  DecoderOutput forward(const torch::Tensor& trg_in, const EncoderOutput& encoded) override;
  torch::Tensor output_weight() const override;
  PolicyLoss policy_loss(const PolicySamples& samples, const torch::Tensor& token_loss,
                         const torch::Tensor& target_mask) override;
  /// One attention: only the default view, or layer 0.
  void show_attention(const AttentionView& view) override;

  /// start() as its concrete type: the bridge from the encoder summary, or zeros.
  RnnDecoderState initial_state(const EncoderOutput& encoded);

 private:
  struct Step {
    torch::Tensor output;      // [R, H] attentional vector o_t
    AttentionResult attended;  // the step's attention (context, weights, a stochastic sample)
  };
  /// A step from the projection of the step's target embedding into the RNN's input gates.
  Step step_from(const torch::Tensor& embedded, RnnDecoderState& state, int64_t t);
  Step attend_and_output(const torch::Tensor& z, AttentionResult attended);

  bool luong_ = true, input_feeding_ = true;
  int64_t hidden_ = 0;
  torch::nn::Embedding embedding_{nullptr};
  Dropout dropout_{nullptr};
  Rnn rnn_{nullptr};
  std::shared_ptr<Attention> attention_;
  Linear bridge_{nullptr}, attentional_{nullptr}, output_{nullptr};
};

}  // namespace nmt
