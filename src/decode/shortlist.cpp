#include "decode/shortlist.h"

#include <torch/torch.h>

#include <algorithm>
#include <filesystem>
#include <vector>

#include "common/errors.h"
#include "data/vocab.h"

namespace nmt {

std::string shortlist_path(const std::string& model_dir) {
  return (std::filesystem::path(model_dir) / "shortlist.tsv").string();
}

Shortlist::Shortlist(Lexicon lexicon, const ShortlistOptions& options, int64_t target_vocab)
    : lexicon_(std::move(lexicon)), options_(options), target_vocab_(target_vocab) {
  if (options.per_source < 0 || options.frequent < 0) {
    throw ConfigError("shortlist: sizes must be >= 0, got " + std::to_string(options.per_source) +
                      " per source piece and " + std::to_string(options.frequent) + " frequent");
  }
}

torch::Tensor Shortlist::vocabulary(const torch::Tensor& src) const {
  std::vector<char> taken(static_cast<size_t>(target_vocab_), 0);
  const auto take = [&](const std::vector<Lexicon::Entry>& entries, int64_t count) {
    const auto n = std::min<int64_t>(count, static_cast<int64_t>(entries.size()));
    for (int64_t k = 0; k < n; ++k)
      taken[static_cast<size_t>(entries[static_cast<size_t>(k)].first)] = 1;
  };
  take(lexicon_.frequent, options_.frequent);
  const auto ids = src.to(torch::kCPU, torch::kLong).contiguous();
  std::vector<char> seen(lexicon_.translations.size(), 0);
  const auto* id = ids.data_ptr<int64_t>();
  for (int64_t i = 0; i < ids.numel(); ++i) {
    const auto s = static_cast<size_t>(id[i]);
    if (id[i] == kPadId || s >= seen.size() || seen[s]) continue;
    seen[s] = 1;
    take(lexicon_.translations[s], options_.per_source);
  }
  taken[kEosId] = 1;
  taken[kPadId] = taken[kBosId] = 0;
  std::vector<int64_t> vocabulary;
  for (size_t t = 0; t < taken.size(); ++t) {
    if (taken[t]) vocabulary.push_back(static_cast<int64_t>(t));
  }
  return torch::tensor(vocabulary, src.options().dtype(torch::kLong));
}

}  // namespace nmt
