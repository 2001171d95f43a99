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

/// The batches search_sentences searches, in its order: the indices of the non-empty sentences
/// of `sources`, sorted by length, `batch_size` at a time.
std::vector<std::vector<int64_t>> length_sorted_batches(
    const std::vector<std::vector<int>>& sources, int64_t batch_size);

/// Searches the sentences `indices` of `sources` as one batch and puts each one's hypotheses at
/// its index in `out` (sized as `sources`).
void search_batch(Scorer& scorer, const std::vector<std::vector<int>>& sources,
                  const std::vector<int64_t>& indices, const SearchOptions& options,
                  std::vector<std::vector<Hypothesis>>& out);

}  // namespace nmt
