// `nmt average`: one checkpoint whose parameters are the mean of several of a model's
// (model/checkpoint_average.h), for `nmt translate --checkpoint` or `nmt train --resume`.
#include <spdlog/spdlog.h>

#include <memory>

#include "cli/commands.h"
#include "common/errors.h"
#include "model/checkpoint.h"
#include "model/checkpoint_average.h"

namespace nmt::cli {
namespace {

struct AverageOptions {
  std::string model_dir, output;
  int64_t last = 0;
  std::vector<std::string> checkpoints;
};

int run_average(const AverageOptions& o) {
  if ((o.last > 0) == !o.checkpoints.empty()) {
    throw ConfigError("give either --last K or the checkpoint files to average, not " +
                      std::string(o.last > 0 ? "both" : "neither"));
  }
  auto paths = o.checkpoints;
  if (o.last > 0) {
    const auto steps = list_step_checkpoints(o.model_dir);
    if (static_cast<int64_t>(steps.size()) < o.last) {
      throw Error("--last " + std::to_string(o.last) + ": " + o.model_dir + " has " +
                  std::to_string(steps.size()) +
                  " step checkpoints (train.keep_last sets how many training keeps)");
    }
    paths.assign(steps.end() - o.last, steps.end());
  }
  average_checkpoints(paths, o.model_dir, o.output);
  spdlog::info("[average] {} checkpoints ({} .. {}) -> {}", paths.size(), paths.front(),
               paths.back(), o.output);
  return 0;
}

}  // namespace

Command add_average_command(CLI::App& app) {
  auto o = std::make_shared<AverageOptions>();
  auto* sub = app.add_subcommand(
      "average", "Average the parameters of a model's checkpoints into one checkpoint");
  sub->add_option("--model", o->model_dir,
                  "Model directory written by `nmt train` (its subword models and checkpoints)")
      ->required();
  sub->add_option("--last", o->last, "Average the newest K step checkpoints of --model")
      ->check(CLI::Range(1, 100000));
  sub->add_option("checkpoints", o->checkpoints, "Checkpoint files to average (instead of --last)");
  sub->add_option("--output", o->output, "The averaged checkpoint to write")->required();
  return {sub, [o] { return run_average(*o); }};
}

}  // namespace nmt::cli
