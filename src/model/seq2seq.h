// The whole model: an encoder and a decoder of the types the config names
// (model/architectures.h). Training calls forward(); search calls encode(), then the decoder's
// start() and step().
#pragma once

#include <torch/nn/module.h>
#include <torch/types.h>

#include <memory>

#include "model/decoder.h"
#include "model/encoder.h"

namespace nmt {

struct ModelConfig;

struct Seq2SeqOutput {
  torch::Tensor logits;   // [B, T, V]
  torch::Tensor weights;  // [B, T, S] attention
  PolicySamples policy;   // a stochastic attention's samples (training), else undefined
};

class Seq2SeqImpl : public torch::nn::Module {
 public:
  Seq2SeqImpl(const ModelConfig& config, int64_t src_vocab, int64_t trg_vocab);

  /// src [B, S] with lengths [B]; trg_in [B, T] target ids shifted right (<s> first).
  Seq2SeqOutput forward(const torch::Tensor& src, const torch::Tensor& src_lengths,
                        const torch::Tensor& trg_in);
  /// forward() without the output layer: the attentional vectors [B, T, H] that logits() maps
  /// to scores (training applies it a few hundred tokens at a time, to bound the memory).
  DecoderOutput forward_outputs(const torch::Tensor& src, const torch::Tensor& src_lengths,
                                const torch::Tensor& trg_in);
  torch::Tensor logits(const torch::Tensor& outputs) { return decoder_->logits(outputs); }

  EncoderOutput encode(const torch::Tensor& src, const torch::Tensor& src_lengths);
  Decoder& decoder() { return *decoder_; }

 private:
  std::shared_ptr<Encoder> encoder_;
  std::shared_ptr<Decoder> decoder_;
};
TORCH_MODULE(Seq2Seq);

/// The number of trainable numbers in `module` (its parameters' elements).
int64_t parameter_count(const torch::nn::Module& module);

}  // namespace nmt
