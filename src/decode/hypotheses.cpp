// The finished hypotheses of one sentence in beam search, and its stopping rule.
#include "decode/hypotheses.h"

#include <algorithm>
#include <cmath>
#include <functional>

namespace nmt {
namespace {

bool better(const Hypothesis& a, const Hypothesis& b) { return a.score > b.score; }

}  // namespace

FinishedHypotheses::FinishedHypotheses(const SearchOptions& options, int64_t max_length)
    : beam_(options.beam),
      nbest_(options.nbest),
      best_penalty_(length_penalty(max_length, options.alpha)) {}

void FinishedHypotheses::add(Hypothesis hypothesis) { finished_.push_back(std::move(hypothesis)); }

bool FinishedHypotheses::done(double best_alive) const {
  const auto count = static_cast<int64_t>(finished_.size());
  if (count >= beam_ || std::isinf(best_alive)) return true;
  if (count < nbest_) return false;
  std::vector<double> scores;
  for (const auto& h : finished_) scores.push_back(h.score);
  std::nth_element(scores.begin(), scores.begin() + (nbest_ - 1), scores.end(),
                   std::greater<double>());
  // Log-probs are <= 0 and lp grows with the length (alpha >= 0), so every extension of the
  // best unfinished hypothesis scores at most best_alive / lp(max_length).
  return best_alive / best_penalty_ <= scores[nbest_ - 1];
}

std::vector<Hypothesis> FinishedHypotheses::take() {
  std::stable_sort(finished_.begin(), finished_.end(), better);
  if (static_cast<int64_t>(finished_.size()) > nbest_) finished_.resize(nbest_);
  return std::move(finished_);
}

}  // namespace nmt
