// Maps model.encoder.type and model.decoder.type to modules, as the attention registry maps
// model.attention.type: a new encoder or decoder is its own .h/.cpp pair plus one line in
// architectures.cpp. An unknown name fails with the config key and the known names.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace nmt {

class Encoder;
class Decoder;
struct ModelConfig;
struct EncoderShape;
struct DecoderShape;

/// The registered type names, in registration order.
std::vector<std::string> encoder_types();
std::vector<std::string> decoder_types();

/// A new encoder of `config.encoder.type`.
std::shared_ptr<Encoder> make_encoder(const ModelConfig& config, const EncoderShape& shape);

/// A new decoder of `config.decoder.type` (the RNN one with `config.attention`).
std::shared_ptr<Decoder> make_decoder(const ModelConfig& config, const DecoderShape& shape);

}  // namespace nmt
