#include "train/progress.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "common/errors.h"

namespace nmt {

ProgressReporter::ProgressReporter(const std::string& metrics_file, int64_t log_every)
    : metrics_(metrics_file, std::ios::app), log_every_(log_every), live_(isatty(STDERR_FILENO)) {
  if (!metrics_) throw Error(metrics_file + ": cannot open for appending");
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
  metrics_ << j.dump() << "\n" << std::flush;
  if (!live_) {
    spdlog::info("[train] step={} epoch={} loss={:.3f} tok/s={:.0f} lr={:.2e}{}", l.step,
                 l.epoch + 1, l.loss, l.tokens_per_second, l.lr, extra);
  }
}

void ProgressReporter::event(const std::string& json_object, const std::string& log_line) {
  metrics_ << json_object << "\n" << std::flush;
  clear_live_line();
  spdlog::info("{}", log_line);
}

}  // namespace nmt
