// The `nmt` subcommands. Each add_*_command() registers its options on `app` and returns
// the function main() calls when that subcommand was chosen; it returns the exit status.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "api/translator_loading.h"

namespace nmt {
class Translator;
}

namespace nmt::cli {

using CommandRunner = std::function<int()>;

struct Command {
  CLI::App* app;
  CommandRunner run;
};

/// --model (repeatable: an ensemble), --checkpoint (none, or one per --model), --device,
/// --precision, --max-input-tokens, the --shortlist options and the --attention-layer and
/// --attention-head of add_attention_view_options, as `nmt translate` and `nmt serve` take them.
void add_model_options(CLI::App* sub, TranslatorSettings& models);

/// Adds --attention-layer and --attention-head: which decoder layer's source attention is
/// written, and which of its heads (default: the last layer, the mean of its heads).
void add_attention_view_options(CLI::App* sub, int64_t& layer, int64_t& head);

/// Adds --precision: fp32, bf16, int8 or auto.
void add_precision_option(CLI::App* sub, std::string& precision);

/// Adds --max-input-tokens, the longest input a command translates or reads.
void add_max_input_tokens_option(CLI::App* sub, int64_t& max_input_tokens);

/// load_translator (api/translator_loading.h), with its notes logged.
std::unique_ptr<Translator> load_models(const TranslatorSettings& models);

/// share_search_threads (api/search_threads.h): the searches at once, logged when chosen by
/// cores or fewer than asked for.
int choose_search_workers(const Translator& translator, int threads, int requested);

/// --device alone (`nmt align`).
void add_device_option(CLI::App* sub, std::string& device);

Command add_prepare_command(CLI::App& app);
Command add_train_command(CLI::App& app);
Command add_translate_command(CLI::App& app);
Command add_evaluate_command(CLI::App& app);
Command add_plot_attention_command(CLI::App& app);
Command add_align_command(CLI::App& app);
Command add_compare_command(CLI::App& app);
Command add_average_command(CLI::App& app);
Command add_serve_command(CLI::App& app);
Command add_shortlist_command(CLI::App& app);
Command add_config_command(CLI::App& app);

}  // namespace nmt::cli
