// Greedy search: every row takes its most probable token; a sentence leaves the batch when it
// outputs </s> or reaches its max length.
#include "decode/greedy_search.h"

#include <torch/torch.h>

#include <numeric>

#include "data/vocab.h"
#include "decode/search_rows.h"

namespace nmt {

std::vector<std::vector<Hypothesis>> greedy_search(Scorer& scorer, const torch::Tensor& src,
                                                   const torch::Tensor& src_lengths,
                                                   const SearchOptions& options) {
  SearchRows rows(scorer, src, src_lengths, /*copies=*/1, options);
  std::vector<int64_t> sentence(static_cast<size_t>(src.size(0)));  // row -> sentence
  std::iota(sentence.begin(), sentence.end(), 0);
  std::vector<std::vector<Hypothesis>> out(sentence.size());
  auto sums = torch::zeros({src.size(0)}, src.options().dtype(torch::kDouble));  // [R]
  while (!sentence.empty()) {
    const auto [best, columns] = rows.step().max(/*dim=*/1);  // [R], [R]
    const auto tokens = rows.tokens(columns);
    sums += best;
    const auto host_tokens = tokens.cpu(), host_sums = sums.cpu();
    const auto token_at = host_tokens.accessor<int64_t, 1>();
    const auto sum_at = host_sums.accessor<double, 1>();
    const auto length = rows.steps() + 1;
    std::vector<Ending> endings;
    std::vector<int64_t> keep, kept_sentence;
    for (size_t r = 0; r < sentence.size(); ++r) {
      const auto row = static_cast<int64_t>(r);
      const int64_t token = token_at[row];
      const auto src_len = rows.src_lengths()[sentence[r]];
      if (token == kEosId || length == max_output_length(src_len, options)) {
        endings.push_back({row, token, sum_at[row], src_len});
      } else {
        keep.push_back(row);
        kept_sentence.push_back(sentence[r]);
      }
    }
    auto done = rows.finish(endings, options.alpha);
    for (size_t e = 0; e < endings.size(); ++e) {
      out[sentence[endings[e].row]].push_back(std::move(done[e]));
    }
    sentence = kept_sentence;
    if (sentence.empty()) break;
    const auto kept = torch::tensor(keep, tokens.options());
    rows.advance(kept, tokens.index_select(0, kept));
    sums = sums.index_select(0, kept);
  }
  return out;
}

}  // namespace nmt
