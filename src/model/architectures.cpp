// The encoder and decoder registries: one line per type.
#include "model/architectures.h"

#include <functional>

#include "common/config.h"
#include "common/registry.h"
#include "model/encoder.h"
#include "model/rnn_decoder.h"
#include "model/transformer_decoder.h"
#include "model/transformer_encoder.h"

namespace nmt {
namespace {

using MakeEncoder =
    std::function<std::shared_ptr<Encoder>(const ModelConfig&, const EncoderShape&)>;
using MakeDecoder =
    std::function<std::shared_ptr<Decoder>(const ModelConfig&, const DecoderShape&)>;

const Registry<MakeEncoder>& encoder_registry() {
  static const Registry<MakeEncoder> entries = [] {
    Registry<MakeEncoder> r("model.encoder.type");
    using C = const ModelConfig&;
    using S = const EncoderShape&;
    r.add("rnn", [](C c, S s) { return std::make_shared<RnnEncoder>(c.encoder, s); });
    r.add("transformer",
          [](C c, S s) { return std::make_shared<TransformerEncoder>(c.encoder, s); });
    return r;
  }();
  return entries;
}

const Registry<MakeDecoder>& decoder_registry() {
  static const Registry<MakeDecoder> entries = [] {
    Registry<MakeDecoder> r("model.decoder.type");
    using C = const ModelConfig&;
    using S = const DecoderShape&;
    r.add("rnn", [](C c, S s) { return std::make_shared<RnnDecoder>(c.decoder, c.attention, s); });
    r.add("transformer",
          [](C c, S s) { return std::make_shared<TransformerDecoder>(c.decoder, s); });
    return r;
  }();
  return entries;
}

}  // namespace

std::vector<std::string> encoder_types() { return encoder_registry().names(); }
std::vector<std::string> decoder_types() { return decoder_registry().names(); }

std::shared_ptr<Encoder> make_encoder(const ModelConfig& config, const EncoderShape& shape) {
  return encoder_registry().at(config.encoder.type)(config, shape);
}

std::shared_ptr<Decoder> make_decoder(const ModelConfig& config, const DecoderShape& shape) {
  return decoder_registry().at(config.decoder.type)(config, shape);
}

}  // namespace nmt
