#include "model/config_check.h"

#include "attention/registry.h"
#include "common/config.h"
#include "common/errors.h"
#include "model/recurrent_cell.h"
#include "model/seq2seq.h"

namespace nmt {
namespace {

const std::string kAttentionPrefix = "model.attention.";

}  // namespace

void check_model_config(const Config& config) {
  try {
    const auto& allowed = attention_parameters(config.model.attention.type);
    for (const auto& [key, where] : config.origin) {
      if (key.rfind(kAttentionPrefix, 0) != 0) continue;
      const std::string param = key.substr(kAttentionPrefix.size());
      if (param == "type" || allowed.count(param)) continue;
      std::string names;
      for (const auto& name : allowed) names += (names.empty() ? "" : ", ") + name;
      throw ConfigError(where + ": " + key + ": not a parameter of attention type '" +
                        config.model.attention.type +
                        "' (its parameters: " + (names.empty() ? "none" : names) + ")");
    }
    if (config.model.shared_embeddings && !config.data.subwords.joint) {
      throw ConfigKeyError("model.shared_embeddings",
                           "needs one vocabulary for both languages (data.subwords.joint: true)");
    }
    // Checked where the encoder or decoder type leaves them unused too.
    recurrent_cell(config.model.encoder.rnn, "model.encoder.rnn");
    recurrent_cell(config.model.decoder.rnn, "model.decoder.rnn");
    const int64_t vocab = config.data.subwords.vocab_size;
    Seq2Seq(config.model, vocab, vocab);
  } catch (const ConfigKeyError& e) {
    throw ConfigError(where_set(config, e.key()) + ": " + e.what());
  }
}

std::set<std::string> unused_config_keys(const Config& config) {
  const auto& used = attention_parameters(config.model.attention.type);
  std::set<std::string> unused;
  for (const auto& type : attention_types()) {
    for (const auto& param : attention_parameters(type)) {
      if (!used.count(param)) unused.insert(kAttentionPrefix + param);
    }
  }
  return unused;
}

std::map<std::string, std::string> config_values(const Config& config) {
  std::map<std::string, std::string> values;
  for (const auto& line : config_to_lines(config, unused_config_keys(config))) {
    const auto eq = line.find(" = ");
    values[line.substr(0, eq)] = line.substr(eq + 3);
  }
  return values;
}

}  // namespace nmt
