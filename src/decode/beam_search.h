// Internal to search: batched beam search with the GNMT length penalty (rules in search.h).
#pragma once

#include "decode/scorer.h"
#include "decode/search.h"

namespace nmt {

/// search() with beam > 1. Called by search() without gradients.
std::vector<std::vector<Hypothesis>> beam_search(Scorer& scorer, const torch::Tensor& src,
                                                 const torch::Tensor& src_lengths,
                                                 const SearchOptions& options);

}  // namespace nmt
