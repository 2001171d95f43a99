#include "model/decoder.h"

#include "attention/registry.h"
#include "common/config.h"
#include "common/errors.h"
#include "common/int8_matmuls.h"
#include "model/token_embedding.h"

namespace nmt {

DecoderState DecoderState::index_select(const torch::Tensor& rows) const {
  const auto rows_of = [&](const torch::Tensor& t) {
    return t.defined() ? t.index_select(0, rows) : t;
  };
  return {rnn.index_select(rows), rows_of(feed), rows_of(attention)};
}

DecoderImpl::DecoderImpl(const DecoderConfig& config, const AttentionConfig& attention,
                         int64_t vocab_size, int64_t encoder_dim)
    : luong_(config.style == "luong"),
      input_feeding_(config.style == "luong" && config.input_feeding),
      hidden_(config.hidden) {
  if (config.tied_embeddings && config.embedding_dim != config.hidden) {
    throw ConfigKeyError("model.decoder.tied_embeddings", "needs model.decoder.embedding_dim (" +
                                                              std::to_string(config.embedding_dim) +
                                                              ") equal to model.decoder.hidden (" +
                                                              std::to_string(config.hidden) + ")");
  }
  embedding_ = register_module("embedding", token_embedding(vocab_size, config.embedding_dim));
  dropout_ = register_module("dropout", torch::nn::Dropout(config.dropout));
  const int64_t extra_input = luong_ ? (input_feeding_ ? config.hidden : 0) : encoder_dim;
  rnn_ = register_module(
      "rnn", Rnn(RnnOptions{config.rnn, config.embedding_dim + extra_input, config.hidden,
                            config.layers, false, config.layers > 1 ? config.dropout : 0.0}));
  attention_ =
      register_module("attention", make_attention(attention, {config.hidden, encoder_dim}));
  if (config.init == "bridge") {
    bridge_ = register_module("bridge", Linear(encoder_dim, config.hidden));
  }
  attentional_ =
      register_module("attentional", unbiased_linear(config.hidden + encoder_dim, config.hidden));
  if (!config.tied_embeddings) {
    output_ = register_module("output", unbiased_linear(config.hidden, vocab_size));
  }
}

AttentionMemory DecoderImpl::prepare(const EncoderOutput& encoded) {
  return attention_->prepare(encoded.states, encoded.mask);
}

DecoderState DecoderImpl::initial_state(const EncoderOutput& encoded) {
  const int64_t layers = rnn_->options().layers, batch = encoded.states.size(0);
  torch::Tensor h;
  if (bridge_) {
    h = torch::tanh(bridge_(encoded.summary)).unsqueeze(0).repeat({layers, 1, 1});  // [L, B, H]
  } else {
    h = torch::zeros({layers, batch, hidden_}, encoded.states.options());
  }
  DecoderState state;
  // An LSTM's cell starts from the same bridge as its hidden state (as in Joey NMT).
  state.rnn = {h, rnn_->options().cell == "lstm" ? h : torch::Tensor()};
  if (input_feeding_) state.feed = torch::zeros({batch, hidden_}, encoded.states.options());
  return state;
}

DecoderStep DecoderImpl::attend_and_output(const torch::Tensor& z, AttentionResult attended) {
  const auto combined = dropout_(torch::cat({z, attended.context}, /*dim=*/-1));  // [B, H + Dv]
  return {torch::tanh(attentional_(combined)), std::move(attended)};              // [B, H]
}

DecoderStep DecoderImpl::step(const torch::Tensor& prev, DecoderState& state,
                              const AttentionMemory& memory, int64_t t) {
  return step_from(rnn_->project_input(dropout_(embedding_(prev))), state, memory, t);
}

// The RNN's input is [e(y_{t-1}); extra]: its projection is that of the embedding, given,
// plus that of the extra part (the context, or the fed attentional vector).
DecoderStep DecoderImpl::step_from(const torch::Tensor& embedded, DecoderState& state,
                                   const AttentionMemory& memory, int64_t t) {
  const int64_t extra_from = embedding_->options.embedding_dim();
  if (!luong_) {
    const auto query = state.rnn.h[-1];  // [B, H] previous top-layer state
    const auto attended = attention_->forward({query, t, state.attention}, memory);
    state.attention = attended.next;
    auto [z, next] =
        rnn_->step(embedded + rnn_->project_input(attended.context, extra_from), state.rnn);
    state.rnn = next;
    return attend_and_output(z, attended);
  }
  const auto input =
      input_feeding_ ? embedded + rnn_->project_input(state.feed, extra_from) : embedded;
  auto [z, next] = rnn_->step(input, state.rnn);  // z [B, H]
  state.rnn = next;
  const auto attended = attention_->forward({z, t, state.attention}, memory);
  state.attention = attended.next;
  auto result = attend_and_output(z, attended);
  if (input_feeding_) state.feed = result.output;
  return result;
}

DecoderOutput DecoderImpl::forward(const torch::Tensor& trg_in, DecoderState state,
                                   const AttentionMemory& memory) {
  // The embeddings' share of the RNN input projection, for all steps in one matmul; unbind
  // (not select) so that the backward pass stacks the steps' gradients once.
  const auto embedded =
      rnn_->project_input(dropout_(embedding_(trg_in))).unbind(1);  // T x [B, G*H]
  std::vector<torch::Tensor> outputs, weights, log_probs, entropies;
  for (int64_t t = 0; t < trg_in.size(1); ++t) {
    auto s = step_from(embedded[static_cast<size_t>(t)], state, memory, t);
    outputs.push_back(s.output);
    weights.push_back(s.attended.weights);
    if (s.attended.sample_log_prob.defined()) {
      log_probs.push_back(s.attended.sample_log_prob);
      entropies.push_back(s.attended.sample_entropy);
    }
  }
  DecoderOutput out{torch::stack(outputs, 1), torch::stack(weights, 1), {}};  // [B, T, H|S]
  if (!log_probs.empty()) out.policy = {torch::stack(log_probs, 1), torch::stack(entropies, 1)};
  return out;
}

torch::Tensor DecoderImpl::logits(const torch::Tensor& outputs) {
  return nmt::linear(outputs, output_weight());  // [..., V]
}

torch::Tensor DecoderImpl::output_weight() const {
  return output_ ? output_->weight : embedding_->weight;  // tied: the embeddings
}

PolicyLoss DecoderImpl::policy_loss(const PolicySamples& samples, const torch::Tensor& token_loss,
                                    const torch::Tensor& target_mask) {
  return attention_->policy_loss(samples, token_loss, target_mask);
}

}  // namespace nmt
