// `nmt prepare` (check a config, train its subword models, load and batch its corpora) and
// `nmt train`. Both take a config file and --set overrides.
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <numeric>
#include <set>
#include <thread>

#include "api/search_threads.h"
#include "cli/commands.h"
#include "cli/cpu_runtime.h"
#include "cli/error_message.h"
#include "cli/launcher.h"
#include "cli/stop_signals.h"
#include "cli/worker_choice.h"
#include "cli/worker_environment.h"
#include "common/config.h"
#include "common/directory_lock.h"
#include "common/errors.h"
#include "common/files.h"
#include "data/batching.h"
#include "data/dataset.h"
#include "model/config_check.h"
#include "train/collective.h"
#include "train/config_check.h"
#include "train/model_dir.h"
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
  check_config(config);
  spdlog::info("[config] {}", options.config_file);
  for (const auto& line : config_to_lines(config, unused_config_keys(config))) {
    spdlog::info("[config] {}", line);
  }
  return config;
}

// Whether `config` describes the run whose config.yaml is at `saved_path`, up to what
// `nmt train --resume` may change (budgets, intervals, threads, workers, device).
bool same_run(const Config& config, const std::string& saved_path) {
  if (!std::filesystem::exists(saved_path)) return false;
  const Config saved = parse_config(read_file(saved_path), saved_path);
  std::set<std::string> omit(resumable_keys().begin(), resumable_keys().end());
  for (const auto& c : {&config, &saved}) {
    const auto unused = unused_config_keys(*c);
    omit.insert(unused.begin(), unused.end());
  }
  return config_to_lines(config, omit) == config_to_lines(saved, omit);
}

void prepare(const Config& config) {
  ensure_writable_dir(config.model_dir, "model_dir");
  const DirectoryLock lock(config.model_dir, "model_dir");
  // A trained model's files stay as they are: its subword models and config.yaml belong to it.
  const auto config_path = (std::filesystem::path(config.model_dir) / "config.yaml").string();
  const bool trained = has_trained_model(config.model_dir);
  if (trained && !same_run(config, config_path)) {
    throw ConfigError("model_dir: " + config.model_dir +
                      " holds a trained model whose config.yaml differs from this config; "
                      "nmt prepare changes no trained model's files (use another model_dir)");
  }
  const PreparedData data = prepare_data(config);
  const auto trg_lens = data.train.trg_lengths();
  const auto batches = make_batches(data.train.src_lengths(), trg_lens, config.train.batch_tokens,
                                    static_cast<uint64_t>(config.train.seed), /*epoch=*/0);
  const int64_t tokens = std::accumulate(trg_lens.begin(), trg_lens.end(), int64_t{0});
  spdlog::info("[data] vocab: src {} trg {} pieces{}", data.vocabs.src->size(),
               data.vocabs.trg->size(), config.data.subwords.joint ? " (joint)" : "");
  spdlog::info("[data] train: {} pairs, {} target tokens, {} batches of <= {} tokens",
               data.train.size(), tokens, batches.size(), config.train.batch_tokens);
  if (!trained) write_file_atomic(config_path, config_to_yaml(config, unused_config_keys(config)));
}

struct TrainOptions {
  ConfigOptions config;
  bool resume = false;
  int nproc = 0, nnodes = 0, node_rank = -1;  // 0 / -1: not given
  bool automatic_workers = false;             // train.workers: auto chose nproc
  std::string master;
};

int train_worker(const TrainOptions& options, const WorkerAddress& address) {
  // Under the launcher, a second signal is the launcher's to act on (it kills).
  StopSignals signals(/*once=*/std::getenv(kLaunchedMarker) == nullptr);
  if (address.rank != 0) spdlog::set_level(spdlog::level::warn);  // rank 0 speaks for all
  const Config config = load_for_run(options.config);
  // A batch's own shapes repeat over its decoder steps; 16 primitives keep bf16 training at
  // full speed (0 cost ~10%) without the cache's growth (bench/RESULTS.md).
  bound_onednn_primitive_cache(16);
  // train.threads is per machine: each of its workers takes its share.
  share_cpu_threads(static_cast<int>(config.train.threads), address.local_world_size);
  spdlog::info("[runtime] {}", cpu_runtime_summary());
  const auto timeout =
      std::chrono::milliseconds(static_cast<int64_t>(config.train.distributed_timeout * 1000));
  const auto workers = connect_workers(address, timeout);
  const TrainingStart start = start_training(config, options.resume, *workers);
  TrainControl control;
  control.resume_from = start.resume_from;
  control.stop_request = &signals.received();
  control.workers = workers.get();
  control.cuda_device = address.local_rank;
  if (std::getenv(kAutomaticWorkersMarker) != nullptr) control.straggler_ratio = kSlowWorkerRatio;
  const TrainResult result = train(config, start.data, control);
  return result.slow_worker.empty() ? 0 : kSlowWorkerStatus;
}

bool launching(const TrainOptions& o) { return o.nproc > 0 || o.nnodes > 0 || !o.master.empty(); }

int launch(const TrainOptions& o) {
  LaunchPlan plan;
  plan.automatic = o.automatic_workers;
  plan.nproc = o.nproc > 0 ? o.nproc : 1;
  plan.nnodes = o.nnodes > 0 ? o.nnodes : 1;
  plan.node_rank = o.node_rank >= 0 ? o.node_rank : 0;
  if (plan.node_rank >= plan.nnodes) {
    throw ConfigError("--node-rank " + std::to_string(plan.node_rank) + " is not below --nnodes " +
                      std::to_string(plan.nnodes) + " (machines count from 0)");
  }
  if (!o.master.empty()) parse_master(o.master, "--master", plan);
  const int cores = static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
  if (plan.nproc > kMaxWorkersPerCore * cores) {
    throw ConfigError("--nproc " + std::to_string(plan.nproc) + ": more than " +
                      std::to_string(kMaxWorkersPerCore) + " workers per core of this machine (" +
                      std::to_string(cores) + " cores; each worker is a whole process with its " +
                      "own model)");
  }
  if (plan.nnodes > 1 && o.master.empty()) {
    throw ConfigError("--nnodes " + std::to_string(plan.nnodes) +
                      " needs --master HOST:PORT (the machine of --node-rank 0, and a free port "
                      "there)");
  }
  std::string why;
  if (plan.nnodes * plan.nproc > 1 && !has_c10d(&why)) throw Error(why);
  // Checked here once rather than by every worker.
  check_config(load_config(o.config.config_file, o.config.overrides));
  std::vector<std::string> args = {"nmt", "train", o.config.config_file};
  for (const auto& s : o.config.overrides) {
    args.push_back("--set");
    args.push_back(s);
  }
  if (o.resume) args.push_back("--resume");
  return run_workers(plan, args);
}

// train.workers, where no --nproc and no launcher's variables say how many.
WorkerChoice workers_for(const TrainOptions& o) {
  const Config config = load_config(o.config.config_file, o.config.overrides);
  MachineState machine;
  machine.cores = usable_cores();
  machine.threads = config.train.threads;
  machine.gpu = config.device.rfind("cuda", 0) == 0;
  const bool automatic = config.train.workers == "auto";
  std::string no_c10d;
  if (automatic && !has_c10d(&no_c10d)) {
    return {1, true, 0, "1 process (train.workers: auto): " + no_c10d};
  }
  if (automatic && !machine.gpu &&
      std::min<int64_t>(machine.cores, machine.threads > 0 ? machine.threads : machine.cores) > 1) {
    machine.idle_cores = idle_cores_over(0.5);
  }
  return choose_train_workers(config.train.workers, machine);
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
  auto options = std::make_shared<TrainOptions>();
  auto* sub = app.add_subcommand("train", "Train a model from a YAML config");
  add_config_options(sub, options->config);
  sub->add_flag("--resume", options->resume, "Continue from the last checkpoint in model_dir");
  sub->add_option("--nproc", options->nproc,
                  "Data-parallel worker processes on this machine (each with train.threads/N)")
      ->check(CLI::Range(1, 1024));
  sub->add_option("--nnodes", options->nnodes, "Machines that train together (default 1)")
      ->check(CLI::Range(1, 1 << 16));
  sub->add_option("--node-rank", options->node_rank, "This machine's number, from 0")
      ->check(CLI::Range(0, 1 << 16));
  sub->add_option("--master", options->master,
                  "HOST:PORT of the machine with --node-rank 0, where the workers meet")
      ->type_name("HOST:PORT");
  sub->footer(
      "Several processes: --nproc N on one machine; on several, the same command on each with "
      "--nnodes, --node-rank and --master. Under torchrun or a cluster's job script, the "
      "variables WORLD_SIZE, RANK, LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR and MASTER_PORT "
      "make each `nmt train` one worker.");
  return {sub, [options] {
            if (launching(*options)) return launch(*options);
            const char* world = std::getenv("WORLD_SIZE");
            if (world == nullptr) refuse_half_set_worker_variables();
            if (world == nullptr) {
              const WorkerChoice choice = workers_for(*options);
              spdlog::info("[train] {}", choice.reason);
              if (choice.workers > 1) {
                options->nproc = choice.workers;
                options->automatic_workers = choice.automatic;
                // The threads it counted, shared out among the workers (train.threads: 0
                // would give each worker all of the machine's).
                if (choice.automatic) {
                  options->config.overrides.push_back(
                      "train.threads=" + std::to_string(choice.workers * choice.threads));
                }
                const int status = launch(*options);
                if (status != kSlowWorkerStatus) return status;
                spdlog::info(
                    "[train] the workers stopped for a slow one (metrics.jsonl says which): "
                    "going on as one process from the newest checkpoint");
                options->resume = true;
              }
            }
            if (world == nullptr || std::string(world) == "1") {
              return train_worker(*options, WorkerAddress{});
            }
            const auto address = worker_address_from_environment();
            const bool launched = std::getenv(kLaunchedMarker) != nullptr;
            try {
              return train_worker(*options, address);
            } catch (const WorkerStopped& e) {
              // Under `nmt train --nproc`, the worker that failed or the launcher says why.
              if (launched) return kLostContactStatus;
              throw Error("rank " + std::to_string(address.rank) + ": " + e.what());
            } catch (const AgreedError& e) {
              // One line per machine: its first worker says it.
              if (launched && address.local_rank != 0) return kLostContactStatus;
              throw Error("rank " + std::to_string(address.rank) + ": " + e.what());
            } catch (...) {
              if (address.world_size == 1) throw;
              throw Error("rank " + std::to_string(address.rank) + ": " +
                          error_message(std::current_exception(), "train"));
            }
          }};
}

}  // namespace nmt::cli
