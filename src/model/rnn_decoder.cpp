#include "model/rnn_decoder.h"

#include "attention/registry.h"
#include "common/config.h"
#include "common/errors.h"
#include "model/token_embedding.h"

namespace nmt {

void RnnDecoderState::reorder(const torch::Tensor& rows, bool sources) {
  const auto rows_of = [&](const torch::Tensor& t) {
    return t.defined() ? t.index_select(0, rows) : t;
  };
  rnn = rnn.index_select(rows);
  feed = rows_of(feed);
  attention = rows_of(attention);
  if (sources) memory = memory.index_select(rows);
}

RnnDecoder::RnnDecoder(const DecoderConfig& config, const AttentionConfig& attention,
                       const DecoderShape& shape)
    : luong_(config.style == DecoderStyle::luong),
      input_feeding_(config.style == DecoderStyle::luong && config.input_feeding),
      hidden_(config.hidden) {
  if (config.tied_embeddings && config.embedding_dim != config.hidden) {
    throw ConfigKeyError("model.decoder.tied_embeddings", "needs model.decoder.embedding_dim (" +
                                                              std::to_string(config.embedding_dim) +
                                                              ") equal to model.decoder.hidden (" +
                                                              std::to_string(config.hidden) + ")");
  }
  const int64_t encoder_dim = shape.encoder_dim;
  embedding_ =
      part_embedding(*this, shape.shared_embedding, shape.vocab_size, config.embedding_dim);
  dropout_ = register_module("dropout", Dropout(config.dropout));
  const int64_t extra_input = luong_ ? (input_feeding_ ? config.hidden : 0) : encoder_dim;
  rnn_ = register_module(
      "rnn",
      Rnn(RnnOptions{config.rnn, config.embedding_dim + extra_input, config.hidden, config.layers,
                     false, config.layers > 1 ? config.dropout : 0.0, "model.decoder.rnn"}));
  attention_ =
      register_module("attention", make_attention(attention, {config.hidden, encoder_dim}));
  if (config.init == DecoderInit::bridge) {
    bridge_ = register_module("bridge", Linear(encoder_dim, config.hidden));
  }
  attentional_ =
      register_module("attentional", unbiased_linear(config.hidden + encoder_dim, config.hidden));
  if (!config.tied_embeddings) {
    output_ = register_module("output", unbiased_linear(config.hidden, shape.vocab_size));
  }
}

RnnDecoderState RnnDecoder::initial_state(const EncoderOutput& encoded) {
  const int64_t layers = rnn_->options().layers, batch = encoded.states.size(0);
  torch::Tensor h;
  if (bridge_) {
    h = torch::tanh(bridge_(encoded.summary)).unsqueeze(0).repeat({layers, 1, 1});  // [L, B, H]
  } else {
    h = torch::zeros({layers, batch, hidden_}, encoded.states.options());
  }
  RnnDecoderState state;
  // An LSTM's memory starts from the same bridge as its hidden state (as in Joey NMT).
  state.rnn = {h, rnn_->cell().has_memory() ? h : torch::Tensor()};
  if (input_feeding_) state.feed = torch::zeros({batch, hidden_}, encoded.states.options());
  state.memory = attention_->prepare(encoded.states, encoded.mask);
  return state;
}

std::unique_ptr<DecoderState> RnnDecoder::start(const EncoderOutput& encoded) {
  return std::make_unique<RnnDecoderState>(initial_state(encoded));
}

RnnDecoder::Step RnnDecoder::attend_and_output(const torch::Tensor& z, AttentionResult attended) {
  const auto combined = dropout_(torch::cat({z, attended.context}, /*dim=*/-1));  // [B, H + Dv]
  return {torch::tanh(attentional_(combined)), std::move(attended)};              // [B, H]
}

DecoderStep RnnDecoder::step(const torch::Tensor& prev, DecoderState& state, int64_t t) {
  auto s = step_from(rnn_->project_input(dropout_(embedding_(prev))),
                     dynamic_cast<RnnDecoderState&>(state), t);
  return {std::move(s.output), std::move(s.attended.weights)};
}

// The RNN's input is [e(y_{t-1}); extra]: its projection is that of the embedding, given,
// plus that of the extra part (the context, or the fed attentional vector).
RnnDecoder::Step RnnDecoder::step_from(const torch::Tensor& embedded, RnnDecoderState& state,
                                       int64_t t) {
  const int64_t extra_from = embedding_->options.embedding_dim();
  if (!luong_) {
    const auto query = state.rnn.h[-1];  // [B, H] previous top-layer state
    const auto attended = attention_->forward({query, t, state.attention}, state.memory);
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
  const auto attended = attention_->forward({z, t, state.attention}, state.memory);
  state.attention = attended.next;
  auto result = attend_and_output(z, attended);
  if (input_feeding_) state.feed = result.output;
  return result;
}

DecoderOutput RnnDecoder::forward(const torch::Tensor& trg_in, const EncoderOutput& encoded) {
  auto state = initial_state(encoded);
  // The embeddings' share of the RNN input projection, for all steps in one matmul; unbind
  // (not select) so that the backward pass stacks the steps' gradients once.
  const auto embedded =
      rnn_->project_input(dropout_(embedding_(trg_in))).unbind(1);  // T x [B, G*H]
  std::vector<torch::Tensor> outputs, weights, log_probs, entropies;
  for (int64_t t = 0; t < trg_in.size(1); ++t) {
    auto s = step_from(embedded[static_cast<size_t>(t)], state, t);
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

torch::Tensor RnnDecoder::output_weight() const {
  return output_ ? output_->weight : embedding_->weight;  // tied: the embeddings
}

PolicyLoss RnnDecoder::policy_loss(const PolicySamples& samples, const torch::Tensor& token_loss,
                                   const torch::Tensor& target_mask) {
  return attention_->policy_loss(samples, token_loss, target_mask);
}

void RnnDecoder::show_attention(const AttentionView& view) {
  if (view.layer != -1 && view.layer != 0) {
    throw Error("--attention-layer " + std::to_string(view.layer) +
                ": the RNN decoder has one attention (layer 0)");
  }
  if (view.head != -1) {
    throw Error("--attention-head " + std::to_string(view.head) +
                ": the RNN decoder's attention is shown whole (its heads are not kept apart)");
  }
}

}  // namespace nmt
