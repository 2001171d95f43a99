#include "train/trainer.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "common/config.h"
#include "common/directory_lock.h"
#include "common/errors.h"
#include "common/files.h"
#include "data/batch.h"
#include "data/batching.h"
#include "data/dataset.h"
#include "data/vocab.h"
#include "model/checkpoint.h"
#include "model/config_check.h"
#include "model/seq2seq.h"
#include "train/model_dir.h"
#include "train/progress.h"
#include "train/schedule.h"
#include "train/update_gradients.h"
#include "train/validation.h"

namespace nmt {
namespace {

std::atomic<int> stop_signal{0};
extern "C" void on_stop_signal(int signal) { stop_signal = signal; }

// SIGINT and SIGTERM ask the loop to checkpoint and stop; a second one kills as usual.
class StopSignals {
 public:
  StopSignals() {
    stop_signal = 0;
    struct sigaction action = {};
    action.sa_handler = on_stop_signal;
    action.sa_flags = SA_RESETHAND;
    sigaction(SIGINT, &action, &old_int_);
    sigaction(SIGTERM, &action, &old_term_);
  }
  ~StopSignals() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
  }

 private:
  struct sigaction old_int_ = {}, old_term_ = {};
};

torch::Device training_device(const std::string& device) {
  if (device == "cuda" && !torch::cuda::is_available()) {
    throw ConfigError(
        "device: cuda is not available: this LibTorch has no CUDA support or "
        "sees no GPU (Debian's libtorch is CPU-only; build against an official "
        "CUDA LibTorch through CMAKE_PREFIX_PATH)");
  }
  return device == "cuda" ? torch::Device(torch::kCUDA) : torch::Device(torch::kCPU);
}

class Trainer {
 public:
  Trainer(const Config& config, bool resume);
  void run();

 private:
  void update(const std::vector<BatchIndices>& batches);
  void validate_and_keep();
  void save_step_checkpoint();
  std::string stop_reason() const;
  double elapsed() const;

  const Config& config_;
  const TrainConfig& train_;
  torch::Device device_;
  std::unique_ptr<DirectoryLock> lock_;
  PreparedData data_;
  Seq2Seq model_{nullptr};
  std::unique_ptr<torch::optim::Adam> optimizer_;
  LrSchedule schedule_;
  TrainingProgress progress_;
  std::unique_ptr<ProgressReporter> reporter_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  double elapsed_before_ = 0;
  int64_t validated_at_ = -1;
  // Pure training (no validation or checkpoints) of this process, for the stop event.
  int64_t trained_tokens_ = 0;
  double training_seconds_ = 0;
  // Throughput since the last progress line.
  int64_t window_tokens_ = 0;
  std::chrono::steady_clock::time_point window_start_ = started_;
};

Trainer::Trainer(const Config& config, bool resume)
    : config_(config),
      train_(config.train),
      device_(training_device(config.device)),
      schedule_(config.train) {
  ensure_writable_dir(config.model_dir, "model_dir");
  lock_ = std::make_unique<DirectoryLock>(config.model_dir, "model_dir");
  const std::string resume_from = resume ? checkpoint_to_resume(config) : "";
  if (!resume) check_no_trained_model(config);
  if (train_.threads > 0) torch::set_num_threads(static_cast<int>(train_.threads));
  torch::manual_seed(static_cast<uint64_t>(train_.seed));

  data_ = prepare_data(config);
  if (data_.train.size() == 0) {
    throw DataError("data.train: no training pairs left (all empty or longer than data.max_len=" +
                    std::to_string(config.data.max_len) + ")");
  }
  model_ = Seq2Seq(config.model, data_.vocabs.src->size(), data_.vocabs.trg->size());
  model_->to(device_);
  optimizer_ = std::make_unique<torch::optim::Adam>(
      model_->parameters(), torch::optim::AdamOptions(train_.lr)
                                .betas({train_.adam_beta1, train_.adam_beta2})
                                .eps(train_.adam_eps)
                                .weight_decay(train_.weight_decay));
  progress_.config_yaml = config_to_yaml(config, unused_config_keys(config));
  if (!resume_from.empty()) {
    progress_ = load_checkpoint(resume_from, *model_, optimizer_.get());
    progress_.config_yaml = config_to_yaml(config, unused_config_keys(config));
    schedule_.load_state(progress_.schedule_state);
    elapsed_before_ = progress_.elapsed_seconds;
    spdlog::info("[train] resumed from {} at step {}", resume_from, progress_.step);
  } else if (resume) {
    spdlog::info("[train] --resume: no checkpoint in {}, starting afresh", config.model_dir);
  }
  write_file_atomic((std::filesystem::path(config.model_dir) / "config.yaml").string(),
                    progress_.config_yaml);
  reporter_ = std::make_unique<ProgressReporter>(
      (std::filesystem::path(config.model_dir) / "metrics.jsonl").string(), train_.log_every);
  int64_t parameters = 0;
  for (const auto& p : model_->parameters()) parameters += p.numel();
  spdlog::info("[model] {} parameters", parameters);
  started_ = window_start_ = std::chrono::steady_clock::now();  // the budget is training time
}

double Trainer::elapsed() const {
  return elapsed_before_ +
         std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
}

// One optimiser update from the next train.accumulate batches of this epoch. The loss is
// normalised by the target tokens of all of them together.
void Trainer::update(const std::vector<BatchIndices>& batches) {
  const auto update_start = std::chrono::steady_clock::now();
  const auto first = static_cast<size_t>(progress_.batch_in_epoch);
  const size_t last = std::min(batches.size(), first + static_cast<size_t>(train_.accumulate));
  std::vector<Batch> group;
  for (size_t i = first; i < last; ++i) {
    group.push_back(make_batch(data_.train, batches[i].pairs).to(device_));
  }
  optimizer_->zero_grad();
  const UpdateLoss loss = backward_update(*model_, group, train_.label_smoothing);
  const int64_t tokens = loss.tokens;
  if (!std::isfinite(loss.loss_sum)) {
    throw Error("train: the loss became " + std::to_string(loss.loss_sum) + " at update " +
                std::to_string(progress_.step + 1) +
                ": training diverged and stops here (the checkpoints before it are kept); "
                "lower train.lr or set train.clip_grad_norm, and train afresh");
  }
  if (train_.clip_grad_norm > 0) {
    torch::nn::utils::clip_grad_norm_(model_->parameters(), train_.clip_grad_norm);
  }
  const double lr = schedule_.lr(progress_.step + 1);
  for (auto& group_options : optimizer_->param_groups()) {
    static_cast<torch::optim::AdamOptions&>(group_options.options()).lr(lr);
  }
  optimizer_->step();
  ++progress_.step;
  progress_.batch_in_epoch = static_cast<int64_t>(last);

  const auto now = std::chrono::steady_clock::now();
  trained_tokens_ += tokens;
  training_seconds_ += std::chrono::duration<double>(now - update_start).count();
  window_tokens_ += tokens;
  const double window = std::chrono::duration<double>(now - window_start_).count();
  const double tok_per_s = window > 0 ? window_tokens_ / window : 0;
  const int64_t steps_to_validation = train_.valid_every - progress_.step % train_.valid_every;
  const double step_seconds =
      window / std::max<int64_t>(1, (progress_.step - 1) % train_.log_every + 1);
  reporter_->update({progress_.step, progress_.epoch, loss.loss_sum / static_cast<double>(tokens),
                     tok_per_s, lr, steps_to_validation * step_seconds, loss.policy});
  if (progress_.step % train_.log_every == 0) {
    window_tokens_ = 0;
    window_start_ = now;
  }
}

void Trainer::save_step_checkpoint() {
  progress_.elapsed_seconds = elapsed();
  progress_.schedule_state = schedule_.state();
  save_checkpoint(step_checkpoint_path(config_.model_dir, progress_.step), *model_,
                  optimizer_.get(), progress_);
  auto existing = list_step_checkpoints(config_.model_dir);
  for (size_t i = 0; i + static_cast<size_t>(train_.keep_last) < existing.size(); ++i) {
    std::filesystem::remove(existing[i]);
  }
}

void Trainer::validate_and_keep() {
  validated_at_ = progress_.step;
  if (data_.dev.size() == 0) {
    save_step_checkpoint();
    return;
  }
  model_->eval();
  const auto result = validate(*model_, data_, train_);
  model_->train();
  const double value = result.value(train_.valid_metric);
  const bool higher = ValidationResult::higher_is_better(train_.valid_metric);
  const bool improved = std::isnan(progress_.best_metric) ||
                        (higher ? value > progress_.best_metric : value < progress_.best_metric);
  if (improved) {
    progress_.best_metric = value;
    progress_.best_step = progress_.step;
    progress_.bad_validations = 0;
  } else {
    ++progress_.bad_validations;
  }
  schedule_.on_validation(improved);
  // best.ckpt before the step checkpoint that records it as the best: a crash between the
  // two then leaves an older record of the best, never one that best.ckpt does not hold.
  if (improved) {
    save_checkpoint(best_checkpoint_path(config_.model_dir), *model_, nullptr, progress_);
  }
  save_step_checkpoint();
  const nlohmann::json j = {
      {"event", "valid"},    {"step", progress_.step},   {"epoch", progress_.epoch + 1},
      {"loss", result.loss}, {"ppl", result.perplexity}, {"bleu", result.bleu},
      {"chrf", result.chrf}, {"elapsed_s", elapsed()},   {"best_step", progress_.best_step}};
  reporter_->event(j.dump(), fmt::format("[valid] step={} loss={:.3f} ppl={:.2f} bleu={:.2f} "
                                         "chrf={:.2f} best_{}={:.4g} (step {}) elapsed={:.0f}s",
                                         progress_.step, result.loss, result.perplexity,
                                         result.bleu, result.chrf, train_.valid_metric,
                                         progress_.best_metric, progress_.best_step, elapsed()));
}

std::string Trainer::stop_reason() const {
  if (stop_signal != 0) return "signal " + std::to_string(stop_signal.load());
  if (train_.max_steps > 0 && progress_.step >= train_.max_steps) return "max_steps reached";
  if (train_.max_minutes > 0 && elapsed() >= 60 * train_.max_minutes) return "max_minutes reached";
  if (train_.patience > 0 && progress_.bad_validations >= train_.patience) {
    return "no improvement in " + std::to_string(train_.patience) + " validations";
  }
  return "";
}

void Trainer::run() {
  StopSignals signals;
  model_->train();
  const int64_t first_step = progress_.step;
  std::string reason = stop_reason();  // a resumed run may have reached its end already
  while (reason.empty()) {
    if (train_.max_epochs > 0 && progress_.epoch >= train_.max_epochs) {
      reason = "max_epochs reached";
      break;
    }
    const auto batches =
        make_batches(data_.train.src_lengths(), data_.train.trg_lengths(), train_.batch_tokens,
                     static_cast<uint64_t>(train_.seed), progress_.epoch);
    while (reason.empty() && progress_.batch_in_epoch < static_cast<int64_t>(batches.size())) {
      update(batches);
      if (progress_.step % train_.valid_every == 0) validate_and_keep();
      reason = stop_reason();
    }
    if (progress_.batch_in_epoch >= static_cast<int64_t>(batches.size())) {
      ++progress_.epoch;
      progress_.batch_in_epoch = 0;
    }
  }
  const bool trained = progress_.step > first_step;
  if (trained && stop_signal != 0) {
    save_step_checkpoint();  // quick: no validation on the way out
  } else if (trained && validated_at_ != progress_.step) {
    validate_and_keep();
  }
  const double tok_per_s = training_seconds_ > 0 ? trained_tokens_ / training_seconds_ : 0;
  const nlohmann::json j = {{"event", "stop"},
                            {"step", progress_.step},
                            {"reason", reason},
                            {"elapsed_s", elapsed()},
                            {"train_tokens", trained_tokens_},
                            {"train_s", training_seconds_},
                            {"train_tok_per_s", tok_per_s}};
  reporter_->event(
      j.dump(), fmt::format("[train] stopped at step {}: {} ({} target tokens in {:.1f} s of "
                            "training, {:.0f} tokens/s)",
                            progress_.step, reason, trained_tokens_, training_seconds_, tok_per_s));
}

}  // namespace

void train(const Config& config, bool resume) { Trainer(config, resume).run(); }

}  // namespace nmt
