#include "train/progress.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "common/errors.h"
#include "common/files.h"

namespace nmt {

namespace {

// The lines of a metrics file whose event is at `step` or before (or has no step).
std::string events_up_to(const std::string& metrics_file, int64_t step) {
  std::ifstream in(metrics_file);
  std::string kept, line;
  while (std::getline(in, line)) {
    const auto event = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (event.is_object() && event.contains("step") && event["step"].is_number_integer() &&
        event["step"].get<int64_t>() > step) {
      continue;
    }
    kept += line + "\n";
  }
  return kept;
}

}  // namespace

ProgressReporter::ProgressReporter(const std::string& metrics_file, int64_t log_every,
                                   int64_t resumed_step)
    : metrics_file_(metrics_file), log_every_(log_every), live_(isatty(STDERR_FILENO)) {
  if (resumed_step >= 0 && std::filesystem::exists(metrics_file)) {
    write_file_atomic(metrics_file, events_up_to(metrics_file, resumed_step));
  }
  metrics_.open(metrics_file, std::ios::app);
  if (!metrics_) throw Error(metrics_file + ": cannot open for appending");
}

void ProgressReporter::write(const std::string& json_line) {
  metrics_ << json_line << "\n" << std::flush;
  if (!metrics_) {
    throw Error(metrics_file_ + ": cannot write (" + std::strerror(errno) +
                "); training stops here, and --resume continues from the newest checkpoint");
  }
}

ProgressReporter::~ProgressReporter() { clear_live_line(); }

void ProgressReporter::clear_live_line() {
  if (live_line_shown_) std::fprintf(stderr, "\r\033[K");
  live_line_shown_ = false;
}

void ProgressReporter::update(const TrainProgressLine& l) {
  const auto eta = static_cast<int64_t>(l.seconds_to_validation);
  if (live_) {
    std::fprintf(stderr,
                 "\r\033[K[train] step %lld  epoch %lld  loss %.3f  %.0f tok/s  lr %.2e  "
                 "next validation in %lld:%02lld",
                 static_cast<long long>(l.step), static_cast<long long>(l.epoch + 1), l.loss,
                 l.tokens_per_second, l.lr, static_cast<long long>(eta / 60),
                 static_cast<long long>(eta % 60));
    std::fflush(stderr);
    live_line_shown_ = true;
  }
  if (l.step % log_every_ != 0) return;
  nlohmann::json j = {{"event", "train"},
                      {"step", l.step},
                      {"epoch", l.epoch + 1},
                      {"loss", l.loss},
                      {"tok_per_s", l.tokens_per_second},
                      {"lr", l.lr}};
  std::string extra;
  if (l.policy) {
    j["reward"] = l.policy->reward;
    j["baseline"] = l.policy->baseline;
    j["entropy"] = l.policy->entropy;
    extra = fmt::format(" reward={:.3f} baseline={:.3f} entropy={:.3f}", l.policy->reward,
                        l.policy->baseline, l.policy->entropy);
  }
  if (l.coverage) {
    j["coverage"] = *l.coverage;
    extra += fmt::format(" coverage={:.3f}", *l.coverage);
  }
  write(j.dump());
  if (!live_) {
    spdlog::info("[train] step={} epoch={} loss={:.3f} tok/s={:.0f} lr={:.2e}{}", l.step,
                 l.epoch + 1, l.loss, l.tokens_per_second, l.lr, extra);
  }
}

void ProgressReporter::event(const std::string& json_object, const std::string& log_line) {
  write(json_object);
  clear_live_line();
  spdlog::info("{}", log_line);
}

void ProgressReporter::validated(const ValidationRecord& r) {
  const nlohmann::json j = {{"event", "valid"},        {"step", r.step},
                            {"epoch", r.epoch},        {"loss", r.loss},
                            {"ppl", r.perplexity},     {"bleu", r.bleu},
                            {"chrf", r.chrf},          {"elapsed_s", r.elapsed_seconds},
                            {"best_step", r.best_step}};
  event(j.dump(), fmt::format("[valid] step={} loss={:.3f} ppl={:.2f} bleu={:.2f} chrf={:.2f} "
                              "best_{}={:.4g} (step {}) elapsed={:.0f}s",
                              r.step, r.loss, r.perplexity, r.bleu, r.chrf, r.metric, r.best_metric,
                              r.best_step, r.elapsed_seconds));
}

void ProgressReporter::stopped(const StopRecord& r) {
  const double tokens_per_second =
      r.training_seconds > 0 ? r.trained_tokens / r.training_seconds : 0;
  const nlohmann::json j = {{"event", "stop"},
                            {"step", r.step},
                            {"reason", r.reason},
                            {"elapsed_s", r.elapsed_seconds},
                            {"train_tokens", r.trained_tokens},
                            {"train_s", r.training_seconds},
                            {"train_tok_per_s", tokens_per_second},
                            {"run_train_tokens", r.run_trained_tokens},
                            {"run_train_s", r.run_training_seconds},
                            {"workers", r.workers}};
  event(j.dump(),
        fmt::format("[train] stopped at step {}: {} ({} target tokens in {:.1f} s of "
                    "training, {:.0f} tokens/s)",
                    r.step, r.reason, r.trained_tokens, r.training_seconds, tokens_per_second));
}

}  // namespace nmt
