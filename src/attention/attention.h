// The attention interface: a decoder state z (the query) scores the encoder states h,
// a = normalize(score(z, h)) over real (unmasked) positions, and the context is
// c = sum_s a_s h_s. The scorer is the module; decoders and search know nothing about the type.
// A type may carry a state from step to step (coverage: the sum of past weights): it reads it
// in the query and returns the next one in the result; the decoder keeps it with its own state,
// so beam search reorders it with the hypotheses.
#pragma once

#include <torch/nn/module.h>
#include <torch/types.h>

#include <string>

#include "common/linear.h"

namespace nmt {

/// Everything about the source that does not depend on the query, built once per batch by
/// Attention::prepare() (e.g. projected keys), so each decoder step only scores.
struct AttentionMemory {
  // Batch first; the rest of the shape is the type's own (e.g. [B, S, Dk] projected keys, or
  // [B, heads, S, D/heads] for multi_head). Only index_select on dim 0 is asked of them.
  torch::Tensor keys;    // type-specific precomputation from the encoder states (may be undefined)
  torch::Tensor values;  // what the context is made of (the encoder states, or projections)
  torch::Tensor mask;    // [B, S] bool, true = real token
  /// Rows `rows` ([N] int64) of every tensor: beam search tiles and reorders with it.
  AttentionMemory index_select(const torch::Tensor& rows) const;
};

/// The per-step input. Types that need more (e.g. a step index) read more fields here.
struct AttentionQuery {
  torch::Tensor state;  // [B, Dq] the decoder state z
  int64_t step = 0;     // 0-based target position
  // The type's own state from the previous step (AttentionResult::next), batch first;
  // undefined at the first step and for types that keep none.
  torch::Tensor carried{};
};

struct AttentionResult {
  torch::Tensor context;  // [B, Dv]
  torch::Tensor weights;  // [B, S], rows sum to 1 over real positions, exactly 0 on padding
  // Stochastic types in training (hard): log a(s) of the sampled position and the entropy of
  // the weights it was sampled from, [B] each; undefined otherwise.
  torch::Tensor sample_log_prob{}, sample_entropy{};
  // The state the type carries into the next step (AttentionQuery::carried); undefined if none.
  torch::Tensor next{};
};

/// Sizes an attention module is built for.
struct AttentionShape {
  int64_t query_dim = 0;  // Dq: decoder state size
  int64_t value_dim = 0;  // Dv: encoder output size
};

/// What a stochastic type sampled over a batch's target steps: the per-step sample_log_prob
/// and sample_entropy of AttentionResult, stacked to [B, T]; undefined for other types.
struct PolicySamples {
  torch::Tensor log_probs, entropy;
  bool defined() const { return log_probs.defined(); }
};

/// The REINFORCE term of a stochastic type (hard) for the samples of one batch.
struct PolicyLoss {
  torch::Tensor loss;  // [] summed over real target tokens; undefined: nothing was sampled
  double reward = 0, baseline = 0, entropy = 0;  // means over real target tokens, for the log
};

/// softmax over the last dimension of scores [B, ..., S] with masked positions (mask false,
/// broadcast against scores) set to exactly 0; a row with no real position gets all zeros
/// rather than NaN.
torch::Tensor masked_softmax(const torch::Tensor& scores, const torch::Tensor& mask);

/// Turns scores [B, ..., S] into weights over the last dimension: mask (broadcast against
/// scores, true = real) gives padding exactly 0, and a row without a real position all zeros.
using Normalizer = torch::Tensor (*)(const torch::Tensor& scores, const torch::Tensor& mask);

class Attention : public torch::nn::Module {
 public:
  /// enc_out [B, S, Dv], mask [B, S] bool -> the memory every step of this batch uses.
  virtual AttentionMemory prepare(const torch::Tensor& enc_out, const torch::Tensor& mask) = 0;
  /// One decoder step for every row of the batch.
  virtual AttentionResult forward(const AttentionQuery& query, const AttentionMemory& memory) = 0;
  /// Stochastic types: the loss that trains their sampling for `samples` (drawn by forward()
  /// in training), given each target token's loss [B, T] (the reward is its negation) and the
  /// target mask [B, T] (true = real token). Others return an undefined loss.
  virtual PolicyLoss policy_loss(const PolicySamples& /*samples*/,
                                 const torch::Tensor& /*token_loss*/,
                                 const torch::Tensor& /*target_mask*/) {
    return {};
  }
  /// How scores become weights (model.attention.normalizer); make_attention() sets it.
  void set_normalizer(Normalizer normalizer) { normalizer_ = normalizer; }

 protected:
  /// scores -> weights with this module's normalizer (softmax unless set).
  torch::Tensor normalize(const torch::Tensor& scores, const torch::Tensor& mask) const {
    return normalizer_(scores, mask);
  }

 private:
  Normalizer normalizer_ = &masked_softmax;
};

/// For types that compare the query with the encoder states directly (dot, scaled_dot,
/// cosine): when Dq != Dv, a learned projection Dv -> Dq (no bias) that makes the keys fit the
/// query, else an empty module. It changes what the type computes (dot with it is zᵀWh, the
/// bilinear score), so building one logs a warning that says so and how to avoid it.
Linear key_projection_if_sizes_differ(const AttentionShape& shape, const std::string& type);

/// context [B, Dv] = sum_s weights[b, s] * values[b, s, :] (weights [B, S], values [B, S, Dv]).
torch::Tensor weighted_sum(const torch::Tensor& weights, const torch::Tensor& values);

}  // namespace nmt
