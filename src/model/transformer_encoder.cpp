#include "model/transformer_encoder.h"

#include <cmath>
#include <string>

#include "common/config.h"
#include "model/head_attention.h"
#include "model/token_embedding.h"

namespace nmt {

torch::Tensor sinusoidal_positions(int64_t length, int64_t dim, const torch::TensorOptions& options,
                                   int64_t first) {
  const auto position = torch::arange(first, first + length, options).unsqueeze(1);  // [L, 1]
  const auto even = torch::arange(0, dim, 2, options);                               // 2i
  const auto angle = position * torch::exp(even * (-std::log(10000.0) / dim));  // [L, ceil(d/2)]
  auto pe = torch::zeros({length, dim}, options);
  pe.slice(1, 0, dim, 2).copy_(torch::sin(angle));
  pe.slice(1, 1, dim, 2).copy_(torch::cos(angle.slice(1, 0, dim / 2)));
  return pe;
}

SelfAttentionLayerImpl::SelfAttentionLayerImpl(int64_t dim, int64_t heads, int64_t ff_size,
                                               double dropout, bool pre_norm)
    : heads_(heads), pre_norm_(pre_norm) {
  using torch::nn::LayerNormOptions;
  attention_norm_ =
      register_module("attention_norm", torch::nn::LayerNorm(LayerNormOptions({dim})));
  qkv_ = register_module("qkv", Linear(dim, 3 * dim));
  out_ = register_module("out", Linear(dim, dim));
  feed_forward_norm_ =
      register_module("feed_forward_norm", torch::nn::LayerNorm(LayerNormOptions({dim})));
  feed_forward_in_ = register_module("feed_forward_in", Linear(dim, ff_size));
  feed_forward_out_ = register_module("feed_forward_out", Linear(ff_size, dim));
  dropout_ = register_module("dropout", Dropout(dropout));
}

SelfAttentionLayerImpl::Output SelfAttentionLayerImpl::forward(const torch::Tensor& x,
                                                               const torch::Tensor& mask) {
  const auto attend = [&](const torch::Tensor& input) {
    const auto qkv = qkv_(input).chunk(3, /*dim=*/-1);
    return scaled_dot_product(split_heads(qkv[0], heads_), split_heads(qkv[1], heads_),
                              split_heads(qkv[2], heads_),
                              mask.view({x.size(0), 1, 1, x.size(1)}),  // keys masked
                              dropout_->p(), is_training());
  };
  const auto feed_forward = [&](const torch::Tensor& input) {
    return feed_forward_out_(dropout_(torch::relu(feed_forward_in_(input))));
  };
  if (pre_norm_) {
    auto attended = attend(attention_norm_(x));
    const auto y = x + dropout_(out_(merge_heads(attended.context)));
    return {y + dropout_(feed_forward(feed_forward_norm_(y))), std::move(attended.weights)};
  }
  auto attended = attend(x);
  const auto y = attention_norm_(x + dropout_(out_(merge_heads(attended.context))));
  return {feed_forward_norm_(y + dropout_(feed_forward(y))), std::move(attended.weights)};
}

TransformerEncoder::TransformerEncoder(const EncoderConfig& config, const EncoderShape& shape)
    : dim_(config.hidden) {
  check_transformer_sizes("encoder", config.embedding_dim, config.hidden, config.heads);
  embedding_ =
      part_embedding(*this, shape.shared_embedding, shape.vocab_size, config.embedding_dim);
  dropout_ = register_module("dropout", Dropout(config.dropout));
  for (int64_t i = 0; i < config.layers; ++i) {
    layers_.push_back(
        register_module("layer" + std::to_string(i),
                        SelfAttentionLayer(config.hidden, config.heads, config.ff_size,
                                           config.dropout, config.norm == LayerNorm::pre)));
  }
  if (config.norm == LayerNorm::pre) {
    final_norm_ =
        register_module("final_norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim_})));
  }
}

EncoderOutput TransformerEncoder::forward(const torch::Tensor& src, const torch::Tensor& lengths) {
  const int64_t s = src.size(1);
  const auto mask = torch::arange(s, lengths.options()).unsqueeze(0) < lengths.unsqueeze(1);
  const auto scale = std::sqrt(static_cast<double>(dim_));
  const auto embedded = embedding_(src);  // [B, S, d]
  auto x = dropout_(embedded * scale + sinusoidal_positions(s, dim_, embedded.options()));
  for (auto& layer : layers_) x = layer->forward(x, mask).states;
  const auto real = mask.unsqueeze(2).to(x.scalar_type());  // [B, S, 1]
  const auto states = (final_norm_ ? final_norm_(x) : x) * real;
  const auto summary = states.sum(1) / real.sum(1).clamp_min(1);  // [B, d]
  return {states, mask, summary};
}

}  // namespace nmt
