// Entry point of `nmt`: picks the subcommand, runs it, and turns any error into one line
// `nmt: error: <message>` with a non-zero exit status.
#include <iostream>
#include <string>
#include <vector>

#include "build_info.h"
#include "cli/commands.h"
#include "cli/cpu_runtime.h"
#include "common/errors.h"
#include "common/logging.h"

int main(int argc, char** argv) {
  using namespace nmt::cli;
  if (argc > 1 && (std::string(argv[1]) == "train" || std::string(argv[1]) == "translate")) {
    tune_cpu_runtime(argv);
  }
  CLI::App app{"nmt: attention-based neural machine translation", "nmt"};
  app.set_version_flag("--version", std::string("nmt ") + NMT_VERSION);
  app.require_subcommand(1);
  app.footer("Run `nmt COMMAND --help` for a command's options.");

  const std::vector<Command> commands = {
      add_prepare_command(app),
      add_train_command(app),
      add_translate_command(app),
      add_evaluate_command(app),
      add_plot_attention_command(app),
  };

  std::string names;
  for (const auto& c : commands) names += (names.empty() ? "" : ", ") + c.app->get_name();
  if (argc > 1 && argv[1][0] != '-') {
    bool known = false;
    for (const auto& c : commands) known |= c.app->get_name() == argv[1];
    if (!known) {
      std::cerr << "nmt: error: unknown command '" << argv[1] << "' (expected one of: " << names
                << ")\n";
      return 2;
    }
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::RequiredError& e) {
    std::cerr << "nmt: error: " << e.what() << " (commands: " << names << ")\n";
    return 2;
  } catch (const CLI::ParseError& e) {
    std::cerr << "nmt: error: " << e.what() << "\n";
    return 2;
  }

  try {
    nmt::init_logging();
    for (const auto& c : commands) {
      if (c.app->parsed()) return c.run();
    }
  } catch (const std::exception& e) {
    std::cerr << "nmt: error: " << e.what() << "\n";
    return 1;
  }
  return 2;
}
