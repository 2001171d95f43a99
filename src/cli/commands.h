// The `nmt` subcommands. Each add_*_command() registers its options on `app` and returns
// the function main() calls when that subcommand was chosen; it returns the exit status.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/precision.h"

namespace c10 {
struct Device;
}

namespace nmt {
class Translator;
}

namespace nmt::cli {

using CommandRunner = std::function<int()>;

struct Command {
  CLI::App* app;
  CommandRunner run;
};

/// The models a command loads, where they run and in what precision.
struct ModelOptions {
  std::vector<std::string> model_dirs, checkpoints;
  std::string device = "cpu";      // cpu, cuda or cuda:N (resolve_device)
  std::string precision = "auto";  // fp32, bf16, int8 or auto (choose_search_precision)
  bool shortlist = false;          // search with MODEL/shortlist.tsv (decode/shortlist.h)
  int64_t shortlist_per_source = 50, shortlist_frequent = 100;
  int64_t max_input_tokens = -1;  // -1: the Translator's default (limit_input_tokens)
};

/// --model (repeatable: an ensemble), --checkpoint (none, or one per --model), --device,
/// --precision, --max-input-tokens and the --shortlist options, as `nmt translate` and
/// `nmt serve` take them.
void add_model_options(CLI::App* sub, ModelOptions& models);

/// Adds --precision: fp32, bf16, int8 or auto.
void add_precision_option(CLI::App* sub, std::string& precision);

/// The precision of a search's matmuls on `device` for --precision `setting`, and why (one
/// line for the log). Throws Error for int8 on cuda or without a quantized engine.
PrecisionChoice choose_search_precision(const std::string& setting, const c10::Device& device);

/// Adds --max-input-tokens, the longest input a command translates or reads.
void add_max_input_tokens_option(CLI::App* sub, int64_t& max_input_tokens);

/// The models of `models` loaded for searching (with the first model's shortlist if asked);
/// once loaded, logs the precision chosen and why.
std::unique_ptr<Translator> load_translator(const ModelOptions& models);

/// The searching threads (--workers) `translator` can use of `requested` (0: by cores,
/// automatic_search_workers), logged when chosen or fewer; then gives each its share of
/// --threads (share_cpu_threads).
int share_search_threads(const Translator& translator, int threads, int requested);

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
