// `nmt config keys`: every config key with the values it takes, its default and its meaning,
// from the schema that validates configs (common/config.h).
#include <memory>
#include <string>
#include <vector>

#include "attention/normalizer.h"
#include "attention/registry.h"
#include "cli/commands.h"
#include "common/config.h"
#include "common/errors.h"
#include "common/files.h"
#include "model/architectures.h"
#include "model/recurrent_cell.h"
#include "train/optimizer.h"
#include "train/schedule.h"

namespace nmt::cli {
namespace {

std::string one_of(const std::vector<std::string>& names) {
  std::string text = "one of:";
  for (const auto& name : names) text += (text.back() == ':' ? " " : ", ") + name;
  return text;
}

// The schema keeps these as text; the registries know their values.
std::string values_of(const ConfigKey& key) {
  if (key.key == "model.attention.type") return one_of(attention_types());
  if (key.key == "model.attention.normalizer") return one_of(normalizer_names());
  if (key.key == "model.encoder.type") return one_of(encoder_types());
  if (key.key == "model.encoder.rnn" || key.key == "model.decoder.rnn") {
    return one_of(recurrent_cell_types());
  }
  if (key.key == "model.decoder.type") return one_of(decoder_types());
  if (key.key == "train.schedule") return one_of(schedule_names());
  if (key.key == "train.optimizer") return one_of(optimizer_names());
  return key.type;
}

std::string keys_text() {
  std::string text;
  for (const auto& key : config_keys()) {
    const std::string default_value = key.default_value.empty() ? "''" : key.default_value;
    const std::string fallback = key.required ? "required" : "default " + default_value;
    text += key.key + "  (" + values_of(key) + "; " + fallback + ")\n    " + key.meaning + "\n";
  }
  return text;
}

}  // namespace

Command add_config_command(CLI::App& app) {
  auto* sub = app.add_subcommand("config", "Describe the config format");
  auto* keys = sub->add_subcommand("keys", "List every config key: its values, default, meaning");
  return {sub, [keys] {
            if (!keys->parsed()) throw ConfigError("config: expected a subcommand: keys");
            write_standard_output(keys_text());
            return 0;
          }};
}

}  // namespace nmt::cli
