#include "data/batching.h"

#include <algorithm>
#include <numeric>
#include <random>

namespace nmt {
namespace {

// Fisher-Yates with mt19937_64 draws: the same order on every platform and standard library
// (std::shuffle's algorithm is unspecified), which checkpoints and resume depend on.
template <typename T>
void portable_shuffle(std::vector<T>& items, std::mt19937_64& rng) {
  for (size_t i = items.size(); i > 1; --i) {
    const size_t j = rng() % i;
    std::swap(items[i - 1], items[j]);
  }
}

constexpr int64_t kPoolBatches = 100;

}  // namespace

std::vector<BatchIndices> make_batches(const std::vector<int64_t>& src_lens,
                                       const std::vector<int64_t>& trg_lens, int64_t batch_tokens,
                                       uint64_t seed, int64_t epoch) {
  const int64_t n = static_cast<int64_t>(trg_lens.size());
  std::mt19937_64 rng(seed * 1000003ULL + static_cast<uint64_t>(epoch));
  std::vector<int64_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  portable_shuffle(order, rng);

  const int64_t mean_len =
      n == 0
          ? 1
          : std::max<int64_t>(1, std::accumulate(trg_lens.begin(), trg_lens.end(), int64_t{0}) / n);
  const int64_t pool_size = std::max<int64_t>(1, kPoolBatches * batch_tokens / mean_len);

  std::vector<BatchIndices> batches;
  for (int64_t start = 0; start < n; start += pool_size) {
    const auto first = order.begin() + start;
    const auto last = order.begin() + std::min(n, start + pool_size);
    std::stable_sort(first, last, [&](int64_t a, int64_t b) {
      return trg_lens[a] != trg_lens[b] ? trg_lens[a] < trg_lens[b] : src_lens[a] < src_lens[b];
    });
    BatchIndices batch;
    for (auto it = first; it != last; ++it) {
      const int64_t trg_max = std::max(batch.max_trg_len, trg_lens[*it]);
      const int64_t count = static_cast<int64_t>(batch.pairs.size()) + 1;
      if (!batch.pairs.empty() && trg_max * count > batch_tokens) {
        batches.push_back(std::move(batch));
        batch = BatchIndices{};
      }
      batch.pairs.push_back(*it);
      batch.max_trg_len = std::max(batch.max_trg_len, trg_lens[*it]);
      batch.max_src_len = std::max(batch.max_src_len, src_lens[*it]);
    }
    if (!batch.pairs.empty()) batches.push_back(std::move(batch));
  }
  portable_shuffle(batches, rng);
  return batches;
}

}  // namespace nmt
