// The `nmt` subcommands. Each add_*_command() registers its options on `app` and returns
// the function main() calls when that subcommand was chosen; it returns the exit status.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
#include <vector>

namespace nmt::cli {

using CommandRunner = std::function<int()>;

struct Command {
  CLI::App* app;
  CommandRunner run;
};

/// --model (repeatable: an ensemble) and --checkpoint (none, or one per --model), as
/// `nmt translate` and `nmt serve` take them.
void add_ensemble_options(CLI::App* sub, std::vector<std::string>& model_dirs,
                          std::vector<std::string>& checkpoints);

Command add_prepare_command(CLI::App& app);
Command add_train_command(CLI::App& app);
Command add_translate_command(CLI::App& app);
Command add_evaluate_command(CLI::App& app);
Command add_plot_attention_command(CLI::App& app);
Command add_align_command(CLI::App& app);
Command add_compare_command(CLI::App& app);
Command add_average_command(CLI::App& app);
Command add_serve_command(CLI::App& app);

}  // namespace nmt::cli
