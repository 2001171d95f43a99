// Internal to beam search: one sentence's finished hypotheses and the rule that says when the
// sentence is done (see search()).
#pragma once

#include <vector>

#include "decode/search.h"

namespace nmt {

class FinishedHypotheses {
 public:
  /// For a sentence that may output at most `max_length` tokens.
  FinishedHypotheses(const SearchOptions& options, int64_t max_length);

  void add(Hypothesis hypothesis);
  /// Whether no better n-best list can come from going on, given the log-prob sum of the best
  /// unfinished hypothesis (-inf: none left). The max length is the caller's to check.
  bool done(double best_alive) const;
  /// The n-best list, best first.
  std::vector<Hypothesis> take();

 private:
  int64_t beam_, nbest_;
  double best_penalty_;  // lp(max_length): no unfinished hypothesis can be divided by more
  std::vector<Hypothesis> finished_;
};

}  // namespace nmt
