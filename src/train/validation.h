// Validation on the dev set: teacher-forced loss and perplexity, and greedy translations
// scored with BLEU and chrF through the library scorer.
#pragma once

#include <string>
#include <vector>

#include "common/config.h"
#include "data/dataset.h"

namespace nmt {

class Seq2SeqImpl;

struct ValidationResult {
  double loss = 0;        // mean negative log-likelihood per target token
  double perplexity = 0;  // exp(loss)
  double bleu = 0, chrf = 0;
  std::vector<std::string> translations;  // detokenised, in dev order
  /// The value of `metric` and whether higher is better.
  double value(ValidMetric metric) const;
  static bool higher_is_better(ValidMetric metric);
};

/// Runs the model (put in eval mode by the caller) over the dev set.
ValidationResult validate(Seq2SeqImpl& model, const PreparedData& data, const TrainConfig& config);

}  // namespace nmt
