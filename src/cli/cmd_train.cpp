// `nmt prepare` (check a config, train its subword models, load and batch its corpora) and
// `nmt train`. Both take a config file and --set overrides.
#include <spdlog/spdlog.h>

#include <filesystem>
#include <memory>
#include <numeric>

#include "cli/commands.h"
#include "cli/cpu_runtime.h"
#include "common/config.h"
#include "common/directory_lock.h"
#include "common/files.h"
#include "data/batching.h"
#include "data/dataset.h"
#include "model/config_check.h"
#include "train/trainer.h"

namespace nmt::cli {
namespace {

struct ConfigOptions {
  std::string config_file;
  std::vector<std::string> overrides;
};

void add_config_options(CLI::App* sub, ConfigOptions& options) {
  sub->add_option("config", options.config_file, "YAML config file")->required();
  sub->add_option("--set", options.overrides,
                  "Override a config key, e.g. --set train.lr=5e-4 (repeatable)")
      ->type_name("KEY=VALUE");
}

// Loads and checks the whole config, then logs it resolved, one dotted key per line.
Config load_for_run(const ConfigOptions& options) {
  Config config = load_config(options.config_file, options.overrides);
  check_model_config(config);
  spdlog::info("[config] {}", options.config_file);
  for (const auto& line : config_to_lines(config, unused_config_keys(config))) {
    spdlog::info("[config] {}", line);
  }
  return config;
}

void prepare(const Config& config) {
  ensure_writable_dir(config.model_dir, "model_dir");
  const DirectoryLock lock(config.model_dir, "model_dir");
  const PreparedData data = prepare_data(config);
  const auto trg_lens = data.train.trg_lengths();
  const auto batches = make_batches(data.train.src_lengths(), trg_lens, config.train.batch_tokens,
                                    static_cast<uint64_t>(config.train.seed), /*epoch=*/0);
  const int64_t tokens = std::accumulate(trg_lens.begin(), trg_lens.end(), int64_t{0});
  spdlog::info("[data] vocab: src {} trg {} pieces{}", data.vocabs.src->size(),
               data.vocabs.trg->size(), config.data.subwords.joint ? " (joint)" : "");
  spdlog::info("[data] train: {} pairs, {} target tokens, {} batches of <= {} tokens",
               data.train.size(), tokens, batches.size(), config.train.batch_tokens);
  write_file_atomic((std::filesystem::path(config.model_dir) / "config.yaml").string(),
                    config_to_yaml(config, unused_config_keys(config)));
}

}  // namespace

Command add_prepare_command(CLI::App& app) {
  auto options = std::make_shared<ConfigOptions>();
  auto* sub = app.add_subcommand("prepare",
                                 "Check a config, train its subword models and load its corpora");
  add_config_options(sub, *options);
  return {sub, [options] {
            prepare(load_for_run(*options));
            return 0;
          }};
}

Command add_train_command(CLI::App& app) {
  auto options = std::make_shared<ConfigOptions>();
  auto resume = std::make_shared<bool>(false);
  auto* sub = app.add_subcommand("train", "Train a model from a YAML config");
  add_config_options(sub, *options);
  sub->add_flag("--resume", *resume, "Continue from the last checkpoint in model_dir");
  return {sub, [options, resume] {
            const Config config = load_for_run(*options);
            spdlog::info("[runtime] {}", cpu_runtime_summary());
            train(config, *resume);
            return 0;
          }};
}

}  // namespace nmt::cli
