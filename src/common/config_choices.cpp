// The config's names of each named choice that is not a registry (config.h), in the enum's order.
#include "common/config.h"

namespace nmt {

const std::vector<std::string>& choice_names(SubwordType) {
  static const std::vector<std::string> names{"unigram", "bpe"};
  return names;
}
const std::vector<std::string>& choice_names(LayerNorm) {
  static const std::vector<std::string> names{"pre", "post"};
  return names;
}
const std::vector<std::string>& choice_names(DecoderStyle) {
  static const std::vector<std::string> names{"bahdanau", "luong"};
  return names;
}
const std::vector<std::string>& choice_names(DecoderInit) {
  static const std::vector<std::string> names{"bridge", "zeros"};
  return names;
}
const std::vector<std::string>& choice_names(HardInference) {
  static const std::vector<std::string> names{"argmax", "expected"};
  return names;
}
const std::vector<std::string>& choice_names(ValidMetric) {
  static const std::vector<std::string> names{"bleu", "chrf", "loss", "ppl"};
  return names;
}

}  // namespace nmt
