// Search over a list of sentences of any size: sorted by length into batches (so little work
// goes to padding), searched, and returned in the input order. Validation and `nmt translate`
// both decode this way.
#pragma once

#include <vector>

#include "decode/search.h"

namespace nmt {

/// `sources`: subword ids per sentence, without </s>. Returns each sentence's hypotheses (as
/// search() does) in input order; an empty sentence gets none. Batches hold `batch_size`
/// sentences and go to the scorer's device.
std::vector<std::vector<Hypothesis>> search_sentences(Scorer& scorer,
                                                      const std::vector<std::vector<int>>& sources,
                                                      const SearchOptions& options,
                                                      int64_t batch_size);

}  // namespace nmt
