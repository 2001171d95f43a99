// `nmt compare`: the attention lab. Trains variants of one config with several seeds on equal
// terms and writes a report that compares them (lab/compare.h).
#include <spdlog/spdlog.h>

#include <memory>

#include "api/search_threads.h"
#include "cli/commands.h"
#include "cli/cpu_runtime.h"
#include "cli/finite_in.h"
#include "cli/stop_signals.h"
#include "common/config.h"
#include "lab/compare.h"

namespace nmt::cli {
namespace {

struct CompareCliOptions {
  CompareOptions lab;
  std::vector<std::string> variants;
  std::string budget;
};

int run_compare(CompareCliOptions& o) {
  for (const auto& text : o.variants) o.lab.variants.push_back(parse_variant(text));
  o.lab.budget = parse_budget(o.budget);
  validate(o.lab.search);
  const Config config = load_config(o.lab.config_file, o.lab.overrides);
  if (config.train.threads > 0) set_cpu_threads(static_cast<int>(config.train.threads));
  spdlog::info("[runtime] {}", cpu_runtime_summary());
  StopSignals signals;
  o.lab.stop_request = &signals.received();
  if (compare(o.lab)) return 0;
  return 128 + signals.received().load();
}

}  // namespace

Command add_compare_command(CLI::App& app) {
  auto o = std::make_shared<CompareCliOptions>();
  auto* sub = app.add_subcommand(
      "compare", "Train variants of a config with several seeds on equal terms, and compare them");
  sub->add_option("config", o->lab.config_file, "YAML config file shared by every variant")
      ->required();
  sub->add_option("--variant", o->variants,
                  "NAME:KEY=VALUE[,KEY=VALUE...]: a variant's config overrides (repeatable; a "
                  "bare NAME is the config as it is)")
      ->required()
      ->type_name("NAME:KEY=VALUE,...");
  sub->add_option("--budget", o->budget,
                  "Pure training per run: updates=N, tokens=N (target tokens) or minutes=M")
      ->required()
      ->type_name("KIND=N");
  sub->add_option("--seeds", o->lab.seeds, "Runs per variant, with train.seed 1..K")
      ->check(CLI::Range(1, 1000));
  sub->add_option("--out", o->lab.out_dir, "Folder of the runs and the report (default: compare)");
  sub->add_option("--set", o->lab.overrides,
                  "Override a config key for every variant, e.g. --set train.lr=5e-4 (repeatable)")
      ->type_name("KEY=VALUE");
  sub->add_option("--beam", o->lab.search.beam, "Beam size for the test set (1: greedy search)")
      ->check(CLI::Range(1, 1000));
  sub->add_option("--alpha", o->lab.search.alpha, "GNMT length penalty exponent")
      ->check(finite_in(0, 10));
  sub->add_option("--pictures", o->lab.pictures,
                  "Test lines whose attention the report draws side by side")
      ->check(CLI::Range(0, 100));
  sub->footer(
      "Interrupted (Ctrl-C), the run in progress saves a checkpoint; the same command resumes "
      "the comparison where it stopped.");
  o->lab.out_dir = "compare";
  return {sub, [o] { return run_compare(*o); }};
}

}  // namespace nmt::cli
