#include "model/transformer_decoder.h"

#include <cmath>
#include <string>

#include "common/config.h"
#include "common/errors.h"
#include "model/head_attention.h"
#include "model/token_embedding.h"
#include "model/transformer_encoder.h"

namespace nmt {

TransformerDecoderLayerImpl::TransformerDecoderLayerImpl(int64_t dim, int64_t encoder_dim,
                                                         int64_t heads, int64_t ff_size,
                                                         double dropout, bool pre_norm)
    : heads_(heads), pre_norm_(pre_norm) {
  const auto norm = [&] { return torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim})); };
  self_norm_ = register_module("self_norm", norm());
  self_qkv_ = register_module("self_qkv", Linear(dim, 3 * dim));
  self_out_ = register_module("self_out", Linear(dim, dim));
  source_norm_ = register_module("source_norm", norm());
  source_query_ = register_module("source_query", Linear(dim, dim));
  source_kv_ = register_module("source_kv", Linear(encoder_dim, 2 * dim));
  source_out_ = register_module("source_out", Linear(dim, dim));
  feed_forward_norm_ = register_module("feed_forward_norm", norm());
  feed_forward_in_ = register_module("feed_forward_in", Linear(dim, ff_size));
  feed_forward_out_ = register_module("feed_forward_out", Linear(ff_size, dim));
  dropout_ = register_module("dropout", Dropout(dropout));
}

TransformerDecoderLayerImpl::Source TransformerDecoderLayerImpl::read_source(
    const EncoderOutput& encoded) {
  const auto kv = source_kv_(encoded.states).chunk(2, /*dim=*/-1);
  const auto& mask = encoded.mask;
  return {split_heads(kv[0], heads_), split_heads(kv[1], heads_),
          mask.reshape({mask.size(0), 1, 1, mask.size(1)})};
}

TransformerDecoderLayerImpl::Output TransformerDecoderLayerImpl::forward(const torch::Tensor& x,
                                                                         Cache& cache,
                                                                         const Source& source) {
  const int64_t before = cache.keys.defined() ? cache.keys.size(2) : 0, length = x.size(1);
  const auto self_attend = [&](const torch::Tensor& input) {
    const auto qkv = self_qkv_(input).chunk(3, /*dim=*/-1);
    auto keys = split_heads(qkv[1], heads_), values = split_heads(qkv[2], heads_);
    if (before > 0) {
      keys = torch::cat({cache.keys, keys}, /*dim=*/2);
      values = torch::cat({cache.values, values}, /*dim=*/2);
    }
    cache = {keys, values};
    // Query i (position before + i) sees keys 0 .. before + i: all of them for one position.
    torch::Tensor causal;
    if (length > 1) {
      const auto positions = torch::TensorOptions(torch::kLong).device(x.device());
      causal = torch::arange(before + length, positions).unsqueeze(0) <=
               torch::arange(before, before + length, positions).unsqueeze(1);  // [T, before+T]
    }
    const auto attended = scaled_dot_product(split_heads(qkv[0], heads_), keys, values, causal,
                                             dropout_->p(), is_training());
    return self_out_(merge_heads(attended.context));
  };
  const auto source_attend = [&](const torch::Tensor& input) {
    return scaled_dot_product(split_heads(source_query_(input), heads_), source.keys, source.values,
                              source.mask, dropout_->p(), is_training());
  };
  const auto feed_forward = [&](const torch::Tensor& input) {
    return feed_forward_out_(dropout_(torch::relu(feed_forward_in_(input))));
  };
  if (pre_norm_) {
    auto y = x + dropout_(self_attend(self_norm_(x)));
    auto attended = source_attend(source_norm_(y));
    y = y + dropout_(source_out_(merge_heads(attended.context)));
    return {y + dropout_(feed_forward(feed_forward_norm_(y))), std::move(attended.weights)};
  }
  auto y = self_norm_(x + dropout_(self_attend(x)));
  auto attended = source_attend(y);
  y = source_norm_(y + dropout_(source_out_(merge_heads(attended.context))));
  return {feed_forward_norm_(y + dropout_(feed_forward(y))), std::move(attended.weights)};
}

void TransformerDecoderState::reorder(const torch::Tensor& rows, bool sources_too) {
  for (auto& cache : caches) {
    if (!cache.keys.defined()) continue;
    cache = {cache.keys.index_select(0, rows), cache.values.index_select(0, rows)};
  }
  if (!sources_too) return;
  for (auto& source : sources) {
    source = {source.keys.index_select(0, rows), source.values.index_select(0, rows),
              source.mask.index_select(0, rows)};
  }
}

TransformerDecoder::TransformerDecoder(const DecoderConfig& config, const DecoderShape& shape)
    : dim_(config.hidden), heads_(config.heads) {
  check_transformer_sizes("decoder", config.embedding_dim, config.hidden, config.heads);
  const bool pre_norm = config.norm == LayerNorm::pre;
  embedding_ = part_embedding(*this, shape.shared_embedding, shape.vocab_size, dim_);
  dropout_ = register_module("dropout", Dropout(config.dropout));
  for (int64_t i = 0; i < config.layers; ++i) {
    layers_.push_back(
        register_module("layer" + std::to_string(i),
                        TransformerDecoderLayer(dim_, shape.encoder_dim, heads_, config.ff_size,
                                                config.dropout, pre_norm)));
  }
  if (pre_norm) {
    final_norm_ =
        register_module("final_norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim_})));
  }
  if (!config.tied_embeddings) {
    output_ = register_module("output", unbiased_linear(dim_, shape.vocab_size));
  }
  show_attention({});
}

std::unique_ptr<DecoderState> TransformerDecoder::start(const EncoderOutput& encoded) {
  auto state = std::make_unique<TransformerDecoderState>();
  state->caches.resize(layers_.size());
  for (auto& layer : layers_) state->sources.push_back(layer->read_source(encoded));
  return state;
}

DecoderOutput TransformerDecoder::run(const torch::Tensor& ids, int64_t first,
                                      TransformerDecoderState& state) {
  const auto embedded = embedding_(ids);  // [B, T, d]
  auto x = dropout_(embedded * std::sqrt(static_cast<double>(dim_)) +
                    sinusoidal_positions(ids.size(1), dim_, embedded.options(), first));
  torch::Tensor weights;
  for (size_t i = 0; i < layers_.size(); ++i) {
    auto out = layers_[i]->forward(x, state.caches[i], state.sources[i]);
    x = std::move(out.states);
    if (static_cast<int64_t>(i) != view_.layer) continue;
    weights = view_.head < 0 ? out.weights.mean(1) : out.weights.select(1, view_.head);
  }
  return {final_norm_ ? final_norm_(x) : x, std::move(weights), {}};  // [B, T, d], [B, T, S]
}

DecoderStep TransformerDecoder::step(const torch::Tensor& prev, DecoderState& state, int64_t t) {
  auto out = run(prev.unsqueeze(1), t, dynamic_cast<TransformerDecoderState&>(state));
  return {out.outputs.squeeze(1), out.weights.squeeze(1)};
}

DecoderOutput TransformerDecoder::forward(const torch::Tensor& trg_in,
                                          const EncoderOutput& encoded) {
  return run(trg_in, 0, dynamic_cast<TransformerDecoderState&>(*start(encoded)));
}

torch::Tensor TransformerDecoder::output_weight() const {
  return output_ ? output_->weight : embedding_->weight;  // tied: the embeddings
}

void TransformerDecoder::show_attention(const AttentionView& view) {
  const auto layers = static_cast<int64_t>(layers_.size());
  const int64_t layer = view.layer < 0 ? layers + view.layer : view.layer;
  if (layer < 0 || layer >= layers) {
    throw Error("--attention-layer " + std::to_string(view.layer) + ": the decoder has " +
                std::to_string(layers) + " layers (0 to " + std::to_string(layers - 1) +
                ", or -1 for the last)");
  }
  if (view.head < -1 || view.head >= heads_) {
    throw Error("--attention-head " + std::to_string(view.head) + ": the decoder has " +
                std::to_string(heads_) + " heads (0 to " + std::to_string(heads_ - 1) +
                ", or -1 for their mean)");
  }
  view_ = {layer, view.head};
}

}  // namespace nmt
