#include "decode/sentence_search.h"

#include <torch/torch.h>

#include <algorithm>

#include "data/batch.h"

namespace nmt {

std::vector<std::vector<int64_t>> length_sorted_batches(
    const std::vector<std::vector<int>>& sources, int64_t batch_size) {
  std::vector<int64_t> order;
  for (size_t i = 0; i < sources.size(); ++i) {
    if (!sources[i].empty()) order.push_back(static_cast<int64_t>(i));
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](int64_t a, int64_t b) { return sources[a].size() < sources[b].size(); });
  std::vector<std::vector<int64_t>> batches;
  for (size_t start = 0; start < order.size(); start += static_cast<size_t>(batch_size)) {
    batches.emplace_back(
        order.begin() + start,
        order.begin() + std::min(order.size(), start + static_cast<size_t>(batch_size)));
  }
  return batches;
}

void search_batch(Scorer& scorer, const std::vector<std::vector<int>>& sources,
                  const std::vector<int64_t>& indices, const SearchOptions& options,
                  std::vector<std::vector<Hypothesis>>& out) {
  const auto device = scorer.device();
  const auto [src, lengths] = make_source_batch(sources, indices);
  auto results = search(scorer, src.to(device), lengths.to(device), options);
  for (size_t k = 0; k < indices.size(); ++k) out[indices[k]] = std::move(results[k]);
}

std::vector<std::vector<Hypothesis>> search_sentences(Scorer& scorer,
                                                      const std::vector<std::vector<int>>& sources,
                                                      const SearchOptions& options,
                                                      int64_t batch_size) {
  std::vector<std::vector<Hypothesis>> out(sources.size());
  for (const auto& indices : length_sorted_batches(sources, batch_size)) {
    search_batch(scorer, sources, indices, options, out);
  }
  return out;
}

}  // namespace nmt
