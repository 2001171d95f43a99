// Internal to search: greedy search, the most probable token at every step.
#pragma once

#include "decode/scorer.h"
#include "decode/search.h"

namespace nmt {

/// search() with beam 1: one hypothesis per sentence. Called by search() without gradients.
std::vector<std::vector<Hypothesis>> greedy_search(Scorer& scorer, const torch::Tensor& src,
                                                   const torch::Tensor& src_lengths,
                                                   const SearchOptions& options);

}  // namespace nmt
