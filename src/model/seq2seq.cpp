#include "model/seq2seq.h"

#include <cmath>

#include "common/config.h"
#include "common/errors.h"
#include "data/vocab.h"
#include "model/architectures.h"
#include "model/token_embedding.h"

namespace nmt {
namespace {

// LibTorch draws embeddings from N(0, 1), so a d-dimensional embedding has norm ~sqrt(d) and,
// with a tied output layer, the first logits spread over tens of nats, which slows early
// learning. N(0, 1/d) gives norm ~1, the scale of the RNN and linear layers' inputs.
void scale_embeddings(torch::nn::Module& model) {
  torch::NoGradGuard no_grad;
  for (auto& item : model.named_parameters()) {
    const std::string& name = item.key();
    if (name.size() < 16 || name.compare(name.size() - 16, 16, "embedding.weight") != 0) continue;
    auto& weight = item.value();
    weight.normal_(0.0, 1.0 / std::sqrt(static_cast<double>(weight.size(1))));
    weight[kPadId].zero_();
  }
}

}  // namespace

Seq2SeqImpl::Seq2SeqImpl(const ModelConfig& config, int64_t src_vocab, int64_t trg_vocab) {
  torch::nn::Embedding shared{nullptr};
  if (config.shared_embeddings) {
    if (src_vocab != trg_vocab || config.encoder.embedding_dim != config.decoder.embedding_dim) {
      throw ConfigKeyError("model.shared_embeddings",
                           "needs one vocabulary for both languages (data.subwords.joint: "
                           "true; here " +
                               std::to_string(src_vocab) + " and " + std::to_string(trg_vocab) +
                               " pieces) and one embedding size (model.encoder.embedding_dim " +
                               std::to_string(config.encoder.embedding_dim) +
                               ", model.decoder.embedding_dim " +
                               std::to_string(config.decoder.embedding_dim) + ")");
    }
    shared = register_module("shared_embedding",
                             token_embedding(src_vocab, config.encoder.embedding_dim));
  }
  encoder_ = register_module("encoder", make_encoder(config, EncoderShape{src_vocab, shared}));
  decoder_ = register_module(
      "decoder", make_decoder(config, DecoderShape{trg_vocab, encoder_->output_dim(), shared}));
  scale_embeddings(*this);
}

EncoderOutput Seq2SeqImpl::encode(const torch::Tensor& src, const torch::Tensor& src_lengths) {
  return encoder_->forward(src, src_lengths);
}

int64_t parameter_count(const torch::nn::Module& module) {
  int64_t count = 0;
  for (const auto& p : module.parameters()) count += p.numel();
  return count;
}

DecoderOutput Seq2SeqImpl::forward_outputs(const torch::Tensor& src,
                                           const torch::Tensor& src_lengths,
                                           const torch::Tensor& trg_in) {
  return decoder_->forward(trg_in, encode(src, src_lengths));
}

Seq2SeqOutput Seq2SeqImpl::forward(const torch::Tensor& src, const torch::Tensor& src_lengths,
                                   const torch::Tensor& trg_in) {
  auto decoded = forward_outputs(src, src_lengths, trg_in);
  return {logits(decoded.outputs), std::move(decoded.weights), std::move(decoded.policy)};
}

}  // namespace nmt
