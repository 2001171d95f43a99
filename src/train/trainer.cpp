#include "train/trainer.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "common/config.h"
#include "common/errors.h"
#include "common/files.h"
#include "common/precision.h"
#include "data/batch.h"
#include "data/batching.h"
#include "data/vocab.h"
#include "model/checkpoint.h"
#include "model/config_check.h"
#include "model/seq2seq.h"
#include "train/collective.h"
#include "train/objective.h"
#include "train/optimizer.h"
#include "train/parameter_average.h"
#include "train/placement.h"
#include "train/progress.h"
#include "train/schedule.h"
#include "train/stop_rules.h"
#include "train/straggler_watch.h"
#include "train/validation.h"
#include "train/worker_generators.h"

namespace nmt {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// What the workers sum after each update's backward pass, and before each decision to go on.
enum UpdateSum { kLossSum, kReward, kBaseline, kEntropy, kPolicyTokens, kCoverageSum, kUpdateSums };

class Trainer {
 public:
  Trainer(const Config& config, const PreparedData& data, const TrainControl& control);
  TrainResult run();

 private:
  void update(const std::vector<BatchIndices>& batches);
  std::vector<double> stop_flags() const {
    return nmt::stop_flags(train_, control_, progress_, workers_.rank() == 0, elapsed());
  }
  void validate_and_keep();
  void save_step_checkpoint();
  [[noreturn]] void diverged(const std::string& what, int64_t updates_ahead) const;
  void refuse_non_finite_weights() const;
  std::string stop_reason(const std::vector<double>& flags) const {
    return nmt::stop_reason(train_, control_, progress_, flags);
  }
  double elapsed() const { return elapsed_before_ + seconds_since(started_); }
  // With train.ema, the model's parameters are the average while the result lives.
  std::unique_ptr<ParameterAverage::InModel> in_model_average() {
    return average_ ? std::make_unique<ParameterAverage::InModel>(*average_, *model_) : nullptr;
  }

  const Config& config_;
  const TrainConfig& train_;
  const PreparedData& data_;
  const TrainControl& control_;
  std::unique_ptr<Collective> alone_;
  Collective& workers_;
  torch::Device device_;
  PrecisionChoice precision_;
  std::vector<int64_t> trg_lengths_;
  Seq2Seq model_{nullptr};
  std::unique_ptr<torch::optim::Optimizer> optimizer_;
  std::unique_ptr<GradientBuckets> gradients_;
  std::unique_ptr<ParameterAverage> average_;  // train.ema
  std::unique_ptr<LrSchedule> schedule_;
  TrainingProgress progress_;
  std::unique_ptr<ProgressReporter> reporter_;  // rank 0 only
  Clock::time_point started_ = Clock::now();
  double elapsed_before_ = 0;
  int64_t first_step_ = 0;
  int64_t validated_at_ = -1;
  // This call's pure training (no validation or checkpoints), tokens of all workers.
  int64_t trained_tokens_ = 0;
  double training_seconds_ = 0;
  // Throughput since the last progress line.
  int64_t window_tokens_ = 0;
  Clock::time_point window_start_ = started_;
  std::unique_ptr<StragglerWatch> straggler_watch_;  // automatic workers only
  std::string slow_worker_;                          // its verdict
};

Trainer::Trainer(const Config& config, const PreparedData& data, const TrainControl& control)
    : config_(config),
      train_(config.train),
      data_(data),
      control_(control),
      alone_(control.workers ? nullptr : single_process()),
      workers_(control.workers ? *control.workers : *alone_),
      device_(training_device(config.device, control.cuda_device)),
      precision_(choose_precision(config.train.precision, config.device, cpu_bf16_support())),
      trg_lengths_(data.train.trg_lengths()),
      schedule_(make_schedule(config.train)) {
  if (data_.train.size() == 0) {
    throw AgreedError(
        "data.train: no training pairs left (all empty or longer than "
        "data.max_len=" +
        std::to_string(config.data.max_len) + ")");
  }
  torch::manual_seed(static_cast<uint64_t>(train_.seed));
  model_ = Seq2Seq(config.model, data_.vocabs.src->size(), data_.vocabs.trg->size());
  model_->to(device_);
  // The same initial weights on every rank, whatever their generators did before.
  for (auto& p : model_->parameters()) workers_.broadcast(p);
  // Each rank's own random stream (dropout, sampling); rank 0's is that of one process.
  const int rank = workers_.rank();
  if (rank > 0) torch::manual_seed(static_cast<uint64_t>(train_.seed + rank));
  optimizer_ = make_optimizer(train_, model_->parameters());
  gradients_ = std::make_unique<GradientBuckets>(model_->parameters());
  const std::string config_yaml = config_to_yaml(config, unused_config_keys(config));
  const std::string subwords =
      subword_fingerprint(subword_model_files(config.data, config.model_dir));
  progress_.config_yaml = config_yaml;
  progress_.subwords = subwords;
  if (!control.resume_from.empty()) {
    progress_ = load_checkpoint(control.resume_from, *model_, optimizer_.get());
    progress_.config_yaml = config_yaml;
    progress_.subwords = subwords;
    if (!progress_.averaged_from.empty()) {
      const auto inputs =
          std::count(progress_.averaged_from.begin(), progress_.averaged_from.end(), '\n') + 1;
      spdlog::info("[train] {} averages {} checkpoints: the optimiser starts afresh",
                   control.resume_from, inputs);
      progress_.averaged_from.clear();  // what training saves from here on is its own
    }
    restore_worker_generators(progress_, rank, train_.seed, device_);
    schedule_->load_state(progress_.schedule_state);
    elapsed_before_ = progress_.elapsed_seconds;
    spdlog::info("[train] resumed from {} at step {}", control.resume_from, progress_.step);
  }
  average_ = start_parameter_average(*model_, train_.ema, progress_, control.resume_from);
  first_step_ = progress_.step;
  if (control.straggler_ratio > 0 && workers_.world_size() > 1) {
    straggler_watch_ =
        std::make_unique<StragglerWatch>(workers_.world_size(), control.straggler_ratio);
  }
  if (rank == 0) {
    write_file_atomic((std::filesystem::path(config.model_dir) / "config.yaml").string(),
                      progress_.config_yaml);
    reporter_ = std::make_unique<ProgressReporter>(
        (std::filesystem::path(config.model_dir) / "metrics.jsonl").string(), train_.log_every,
        control.resume_from.empty() ? -1 : progress_.step);
  }
  spdlog::info("[model] {} parameters", parameter_count(*model_));
  spdlog::info("[train] device: {}; precision: {}", device_.str(), precision_.reason);
  if (workers_.world_size() > 1) {
    spdlog::info("[train] {} workers, each with its share of every update", workers_.world_size());
  }
  started_ = window_start_ = Clock::now();  // the budget is training time
}

// One optimiser update from the next train.accumulate batches of this epoch, each worker
// taking its share of every batch. The loss is normalised by the target tokens of the whole
// update.
void Trainer::update(const std::vector<BatchIndices>& batches) {
  const auto update_start = Clock::now();
  const auto first = static_cast<size_t>(progress_.batch_in_epoch);
  const size_t last = std::min(batches.size(), first + static_cast<size_t>(train_.accumulate));
  std::vector<Batch> mine;
  int64_t tokens = 0;
  for (size_t i = first; i < last; ++i) {
    for (const auto pair : batches[i].pairs) tokens += trg_lengths_[static_cast<size_t>(pair)];
    const auto share = share_of(batches[i].pairs, workers_.rank(), workers_.world_size());
    if (!share.empty()) mine.push_back(make_batch(data_.train, share).to(device_));
  }
  gradients_->zero();
  const auto compute_start = Clock::now();
  const UpdateLoss loss = backward_update(
      *model_, mine, {train_.label_smoothing, train_.coverage_loss}, tokens, precision_.precision);
  // Each rank's computing time has a slot of its own: summed, every rank sees every rank's.
  const int world = workers_.world_size();
  std::vector<double> sums(kUpdateSums + static_cast<size_t>(world), 0.0);
  sums[kUpdateSums + static_cast<size_t>(workers_.rank())] = seconds_since(compute_start);
  sums[kLossSum] = loss.loss_sum;
  sums[kCoverageSum] = loss.coverage_sum.value_or(0);
  if (loss.policy) {
    sums[kReward] = loss.policy->reward;
    sums[kBaseline] = loss.policy->baseline;
    sums[kEntropy] = loss.policy->entropy;
    sums[kPolicyTokens] = static_cast<double>(loss.tokens);
  }
  sums = sum_values(workers_, sums);
  gradients_->sum(workers_);
  if (straggler_watch_ && slow_worker_.empty()) {
    slow_worker_ =
        straggler_watch_->add(std::vector<double>(sums.begin() + kUpdateSums, sums.end()));
  }
  const double loss_sum = sums[kLossSum];
  if (!std::isfinite(loss_sum)) diverged("the loss became " + std::to_string(loss_sum), 1);
  if (train_.clip_grad_norm > 0) {
    torch::nn::utils::clip_grad_norm_(model_->parameters(), train_.clip_grad_norm);
  }
  const double lr = schedule_->lr(progress_.step + 1);
  set_learning_rate(*optimizer_, lr);
  optimizer_->step();
  if (average_) average_->update(*model_);
  // Buffers that training changes (hard attention's baseline) follow rank 0's, so that every
  // rank holds the model that rank 0 saves.
  for (auto& buffer : model_->buffers()) workers_.broadcast(buffer);
  ++progress_.step;
  progress_.batch_in_epoch = static_cast<int64_t>(last);

  const auto now = Clock::now();
  const double seconds = std::chrono::duration<double>(now - update_start).count();
  trained_tokens_ += tokens;
  training_seconds_ += seconds;
  progress_.trained_tokens += tokens;
  progress_.training_seconds += seconds;
  window_tokens_ += tokens;
  if (reporter_) {
    const double window = std::chrono::duration<double>(now - window_start_).count();
    const double tok_per_s = window > 0 ? window_tokens_ / window : 0;
    const int64_t steps_to_validation = train_.valid_every - progress_.step % train_.valid_every;
    const double step_seconds =
        window / std::max<int64_t>(1, (progress_.step - 1) % train_.log_every + 1);
    std::optional<TrainProgressLine::Policy> policy;
    if (const double n = sums[kPolicyTokens]; n > 0) {
      policy =
          TrainProgressLine::Policy{sums[kReward] / n, sums[kBaseline] / n, sums[kEntropy] / n};
    }
    std::optional<double> coverage;
    if (train_.coverage_loss > 0) coverage = sums[kCoverageSum] / static_cast<double>(tokens);
    reporter_->update({progress_.step, progress_.epoch, loss_sum / static_cast<double>(tokens),
                       tok_per_s, lr, steps_to_validation * step_seconds, policy, coverage});
  }
  if (progress_.step % train_.log_every == 0) {
    window_tokens_ = 0;
    window_start_ = now;
  }
}

void Trainer::diverged(const std::string& what, int64_t updates_ahead) const {
  throw AgreedError("train: " + what + (updates_ahead == 0 ? " by update " : " at update ") +
                    std::to_string(progress_.step + updates_ahead) +
                    ": training diverged and stops here (the checkpoints before it are kept); "
                    "lower train.lr or set train.clip_grad_norm, and train afresh");
}

// A finite loss can come with gradients that overflow, and one step then leaves weights that
// are infinite or NaN: no checkpoint or validation takes them. Every rank holds the same
// weights, so every rank takes the same decision.
void Trainer::refuse_non_finite_weights() const {
  for (const auto& p : model_->parameters()) {
    if (!torch::isfinite(p).all().item<bool>()) diverged("the weights became infinite or NaN", 0);
  }
}

void Trainer::save_step_checkpoint() {
  refuse_non_finite_weights();
  gather_worker_generators(workers_, device_, progress_);
  if (workers_.rank() != 0) return;
  progress_.elapsed_seconds = elapsed();
  progress_.schedule_state = schedule_->state();
  auto progress = progress_;
  if (average_) progress.parameter_average = average_->state();
  save_checkpoint(step_checkpoint_path(config_.model_dir, progress_.step), *model_,
                  optimizer_.get(), progress);
  auto existing = list_step_checkpoints(config_.model_dir);
  for (size_t i = 0; i + static_cast<size_t>(train_.keep_last) < existing.size(); ++i) {
    std::filesystem::remove(existing[i]);
  }
}

// Rank 0 validates; its verdict (improved or not, the best so far, patience) reaches every rank.
void Trainer::validate_and_keep() {
  refuse_non_finite_weights();
  validated_at_ = progress_.step;
  if (data_.dev.size() == 0) {
    save_step_checkpoint();
    return;
  }
  auto verdict = torch::zeros({4}, torch::kDouble);
  ValidationResult result;
  if (workers_.rank() == 0) {
    model_->eval();
    {
      const auto averaged = in_model_average();
      result = validate(*model_, data_, train_);
    }
    model_->train();
    const double value = result.value(train_.valid_metric);
    const bool higher = ValidationResult::higher_is_better(train_.valid_metric);
    const bool improved = std::isnan(progress_.best_metric) ||
                          (higher ? value > progress_.best_metric : value < progress_.best_metric);
    verdict[0] = improved ? 1.0 : 0.0;
    verdict[1] = improved ? value : progress_.best_metric;
    verdict[2] = static_cast<double>(improved ? progress_.step : progress_.best_step);
    verdict[3] = static_cast<double>(improved ? 0 : progress_.bad_validations + 1);
  }
  // The others wait for rank 0's validation as long as it takes: it may outlast
  // train.distributed_timeout, which bounds the waits for a worker that stopped.
  workers_.waiting_for_rank0("");
  workers_.broadcast(verdict);
  const bool improved = verdict[0].item<double>() != 0;
  progress_.best_metric = verdict[1].item<double>();
  progress_.best_step = static_cast<int64_t>(verdict[2].item<double>());
  progress_.bad_validations = static_cast<int64_t>(verdict[3].item<double>());
  schedule_->on_validation(improved);
  // best.ckpt before the step checkpoint that records it as the best: a crash between the
  // two then leaves an older record of the best, never one that best.ckpt does not hold.
  if (improved && workers_.rank() == 0) {
    const auto averaged = in_model_average();
    save_checkpoint(best_checkpoint_path(config_.model_dir), *model_, nullptr, progress_);
  }
  save_step_checkpoint();
  if (!reporter_) return;
  reporter_->validated({progress_.step, progress_.epoch + 1, result.loss, result.perplexity,
                        result.bleu, result.chrf, elapsed(), choice_name(train_.valid_metric),
                        progress_.best_metric, progress_.best_step});
}

TrainResult Trainer::run() {
  model_->train();
  // Agreed again after every update; a resumed run may be at its end already.
  std::vector<double> flags = sum_values(workers_, stop_flags());
  std::string reason = stop_reason(flags);
  while (reason.empty()) {
    if (train_.max_epochs > 0 && progress_.epoch >= train_.max_epochs) {
      reason = "max_epochs reached";
      break;
    }
    const auto batches = make_batches(data_.train.src_lengths(), trg_lengths_, train_.batch_tokens,
                                      static_cast<uint64_t>(train_.seed), progress_.epoch);
    while (reason.empty() && progress_.batch_in_epoch < static_cast<int64_t>(batches.size())) {
      update(batches);
      if (progress_.step % train_.valid_every == 0) validate_and_keep();
      flags = sum_values(workers_, stop_flags());
      reason = stop_reason(flags);
      if (reason.empty() && !slow_worker_.empty()) reason = slow_worker_;
    }
    if (progress_.batch_in_epoch >= static_cast<int64_t>(batches.size())) {
      ++progress_.epoch;
      progress_.batch_in_epoch = 0;
    }
  }
  const bool trained = progress_.step > first_step_;
  // A stop request that comes as the run ends anyway still gets the final validation: resumed,
  // the run would be at its end with nothing left to train.
  auto without_request = flags;
  without_request[kStopRequested] = 0;
  const bool at_end = !stop_reason(without_request).empty();
  const bool for_slow_worker = !slow_worker_.empty() && reason == slow_worker_;
  const bool stopped_early = flags[kStopRequested] != 0 || for_slow_worker;
  if (trained && stopped_early && !at_end) {
    // Quick: no validation on the way out (the step's checkpoint may be written already).
    if (validated_at_ != progress_.step) save_step_checkpoint();
  } else if (trained && validated_at_ != progress_.step) {
    validate_and_keep();
  }
  if (reporter_) {
    reporter_->stopped({progress_.step, reason, elapsed(), trained_tokens_,
                        progress_.trained_tokens, training_seconds_, progress_.training_seconds,
                        workers_.world_size()});
  }
  TrainResult result;
  result.step = progress_.step;
  result.stop_reason = reason;
  result.trained_tokens = trained_tokens_;
  result.training_seconds = training_seconds_;
  result.best_metric = progress_.best_metric;
  result.best_step = progress_.best_step;
  if (for_slow_worker) result.slow_worker = slow_worker_;
  return result;
}

}  // namespace

TrainResult train(const Config& config, const PreparedData& data, const TrainControl& control) {
  return Trainer(config, data, control).run();
}

TrainResult train(const Config& config, bool resume) {
  const auto alone = single_process();
  const TrainingStart start = start_training(config, resume, *alone);
  TrainControl control;
  control.resume_from = start.resume_from;
  return train(config, start.data, control);
}

}  // namespace nmt
