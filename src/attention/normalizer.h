// The normalizers that turn attention scores into weights (model.attention.normalizer): a
// registry of softmax, sparsemax and entmax15, one line each, and what the sort-based ones
// share. Any scoring type uses the one configured through Attention::normalize().
#pragma once

#include <torch/types.h>

#include <string>
#include <vector>

#include "attention/attention.h"

namespace nmt {

/// The registered names, in registration order.
std::vector<std::string> normalizer_names();

/// The normalizer called `name`; throws ConfigKeyError (model.attention.normalizer) listing
/// the names if there is none.
Normalizer normalizer_named(const std::string& name);

/// Scores prepared for a sort-based normalizer: each row shifted so that its largest real score
/// is 0, and masked positions set to -`far` (below every threshold when far > 2), so that they
/// sort last and take no weight, without the infinities that would turn the sort's running sums
/// into NaN. `real` is the mask broadcast to the scores' shape.
struct ShiftedScores {
  torch::Tensor scores, real;
};
ShiftedScores shift_for_sorting(const torch::Tensor& scores, const torch::Tensor& mask);

}  // namespace nmt
