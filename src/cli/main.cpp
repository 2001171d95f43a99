// Entry point of `nmt`: picks the subcommand, runs it, and turns any error into one line
// `nmt: error: <message>` with a non-zero exit status.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "build_info.h"
#include "cli/commands.h"
#include "cli/cpu_runtime.h"
#include "cli/error_message.h"
#include "common/errors.h"
#include "common/files.h"
#include "common/logging.h"

namespace {

// A closed standard descriptor (`nmt ... >&-`) would be reused by the next file nmt opens,
// and output meant for the terminal would land in it. A read-only /dev/null holds the slot:
// writing to it fails with EBADF, as writing to the closed descriptor would have.
void hold_closed_standard_descriptors() {
  for (int fd = 0; fd <= 2; ++fd) {
    if (::fcntl(fd, F_GETFD) == -1 && errno == EBADF) {
      const int held = ::open("/dev/null", O_RDONLY);
      if (held >= 0 && held != fd) ::close(held);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  using namespace nmt::cli;
  hold_closed_standard_descriptors();
  // The commands that run a model; the others start faster without the re-execution.
  const std::set<std::string> model_commands = {"train", "translate", "align", "compare", "serve"};
  if (argc > 1 && model_commands.count(argv[1]) > 0) tune_cpu_runtime(argv);
  CLI::App app{"nmt: attention-based neural machine translation", "nmt"};
  app.set_version_flag("--version", std::string("nmt ") + NMT_VERSION);
  app.require_subcommand(1);
  app.footer("Run `nmt COMMAND --help` for a command's options.");

  const std::vector<Command> commands = {
      add_prepare_command(app),   add_train_command(app),          add_translate_command(app),
      add_evaluate_command(app),  add_plot_attention_command(app), add_align_command(app),
      add_compare_command(app),   add_average_command(app),        add_serve_command(app),
      add_shortlist_command(app), add_config_command(app),
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
  } catch (const CLI::Success& e) {  // --help, --help-all, --version: printed to std::cout
    const int status = app.exit(e);
    try {
      nmt::write_standard_output("");
    } catch (const std::exception& error) {
      std::cerr << "nmt: error: " << error.what() << "\n";
      return 1;
    }
    return status;
  } catch (const CLI::RequiredError& e) {
    std::cerr << "nmt: error: " << e.what() << " (commands: " << names << ")\n";
    return 2;
  } catch (const CLI::ParseError& e) {
    std::cerr << "nmt: error: " << e.what() << "\n";
    return 2;
  }

  std::string command;
  try {
    nmt::init_logging();
    for (const auto& c : commands) {
      if (!c.app->parsed()) continue;
      command = c.app->get_name();
      const int status = c.run();
      nmt::write_standard_output("");  // flushes what the command wrote to std::cout
      return status;
    }
  } catch (const nmt::ReaderGone&) {
    return 141;  // as a process stopped by SIGPIPE: `nmt translate ... | head -1` is no error
  } catch (...) {
    std::cerr << "nmt: error: " << error_message(std::current_exception(), command) << "\n";
    return 1;
  }
  return 2;
}
