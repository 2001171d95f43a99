// Length-bucketed batches bounded by padded target tokens, reshuffled every epoch from the
// seed, so that each training pair appears exactly once per epoch.
#pragma once

#include <cstdint>
#include <vector>

namespace nmt {

/// One batch: indices of pairs in the dataset, and the padded target size it costs.
struct BatchIndices {
  std::vector<int64_t> pairs;
  int64_t max_src_len = 0, max_trg_len = 0;
  int64_t padded_trg_tokens() const { return max_trg_len * static_cast<int64_t>(pairs.size()); }
};

/// Batches of epoch `epoch` for pairs of the given lengths (in tokens, as the model sees
/// them, i.e. with </s>). Each batch has at most `batch_tokens` padded target tokens
/// (count × longest target), unless a single pair alone exceeds it. Pairs of similar length
/// share a batch: a pool of about 100 batches' worth of shuffled pairs is sorted by length
/// and cut into batches, and the batches are then shuffled. The result depends only on the
/// lengths, `batch_tokens`, `seed` and `epoch`.
std::vector<BatchIndices> make_batches(const std::vector<int64_t>& src_lens,
                                       const std::vector<int64_t>& trg_lens, int64_t batch_tokens,
                                       uint64_t seed, int64_t epoch);

}  // namespace nmt
