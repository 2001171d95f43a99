// Batched beam search: every sentence keeps `beam` rows; each step scores all their extensions
// at once, finishes hypotheses ending in </s> and reorders the rows (state, memory, output so
// far) with one index_select. Finished sentences leave the batch.
#include "decode/beam_search.h"

#include <torch/torch.h>

#include <limits>
#include <numeric>

#include "data/vocab.h"
#include "decode/hypotheses.h"
#include "decode/search_rows.h"

namespace nmt {
namespace {

constexpr double kNegInf = -std::numeric_limits<double>::infinity();

// Extensions of the rows of n sentences, best first per sentence.
struct Candidates {
  torch::Tensor sums;    // [n, C] log-prob sums (double)
  torch::Tensor tokens;  // [n, C] int64
  torch::Tensor rows;    // [n, C] int64 parent rows in the batch
};

class BeamSearch {
 public:
  BeamSearch(Scorer& scorer, const torch::Tensor& src, const torch::Tensor& src_lengths,
             const SearchOptions& options);
  std::vector<std::vector<Hypothesis>> run();

 private:
  Candidates expand(const torch::Tensor& log_probs) const;
  void add_endings(const torch::TensorAccessor<double, 3>& host);
  std::vector<int64_t> open_sentences(const torch::TensorAccessor<double, 3>& host) const;
  bool last_step(size_t i) const;

  SearchOptions options_;
  int64_t beam_;
  SearchRows rows_;
  std::vector<int64_t> sentence_;  // open sentence i -> its index in the batch
  std::vector<int64_t> max_length_;
  std::vector<FinishedHypotheses> finished_;
  torch::Tensor sums_;  // [n, K] log-prob sums of the open rows (double)
};

BeamSearch::BeamSearch(Scorer& scorer, const torch::Tensor& src, const torch::Tensor& src_lengths,
                       const SearchOptions& options)
    : options_(options),
      beam_(options.beam),
      rows_(scorer, src, src_lengths, options.beam, options) {
  const auto batch = src.size(0);
  sentence_.resize(static_cast<size_t>(batch));
  std::iota(sentence_.begin(), sentence_.end(), 0);
  for (const auto length : rows_.src_lengths()) {
    max_length_.push_back(max_output_length(length, options));
    finished_.emplace_back(options, max_length_.back());
  }
  // The K rows of a sentence start equal: only the first may expand, or the beam would fill
  // with copies of the same hypothesis.
  sums_ = torch::full({batch, beam_}, kNegInf, src.options().dtype(torch::kDouble));  // [B, K]
  sums_.select(/*dim=*/1, 0).fill_(0);
}

Candidates BeamSearch::expand(const torch::Tensor& log_probs) const {
  const auto n = static_cast<int64_t>(sentence_.size()), vocab = log_probs.size(1);
  const auto sums = (sums_.view({-1, 1}) + log_probs).view({n, beam_ * vocab});  // [n, K*V]
  // 2K: at most K extensions (one per row) end in </s>, so K others always remain.
  const auto [top, index] = sums.topk(std::min(2 * beam_, beam_ * vocab), /*dim=*/1);  // [n, C]
  const auto first_row = torch::arange(n, index.options()).mul(beam_).unsqueeze(1);    // [n, 1]
  return {top, rows_.tokens(index.remainder(vocab)), index.div(vocab, "floor") + first_row};
}

bool BeamSearch::last_step(size_t i) const {
  return rows_.steps() + 1 == max_length_[static_cast<size_t>(sentence_[i])];
}

// host [4, n, K]: sums, tokens, rows of the K best candidates, then the alive sums.
void BeamSearch::add_endings(const torch::TensorAccessor<double, 3>& host) {
  std::vector<Ending> endings;
  std::vector<int64_t> owner;
  for (size_t i = 0; i < sentence_.size(); ++i) {
    const auto src_len = rows_.src_lengths()[static_cast<size_t>(sentence_[i])];
    for (int64_t k = 0; k < beam_; ++k) {
      const double sum = host[0][i][k];
      const auto token = static_cast<int64_t>(host[1][i][k]);
      if (sum == kNegInf || (token != kEosId && !last_step(i))) continue;
      endings.push_back({static_cast<int64_t>(host[2][i][k]), token, sum, src_len});
      owner.push_back(sentence_[i]);
    }
  }
  auto hypotheses = rows_.finish(endings, options_.alpha);
  for (size_t e = 0; e < hypotheses.size(); ++e) {
    finished_[static_cast<size_t>(owner[e])].add(std::move(hypotheses[e]));
  }
}

std::vector<int64_t> BeamSearch::open_sentences(
    const torch::TensorAccessor<double, 3>& host) const {
  std::vector<int64_t> open;
  for (size_t i = 0; i < sentence_.size(); ++i) {
    const auto& finished = finished_[static_cast<size_t>(sentence_[i])];
    if (!last_step(i) && !finished.done(/*best_alive=*/host[3][i][0])) {
      open.push_back(static_cast<int64_t>(i));
    }
  }
  return open;
}

std::vector<std::vector<Hypothesis>> BeamSearch::run() {
  while (!sentence_.empty()) {
    const auto c = expand(rows_.step());
    // The K best extensions that do not end in </s> go on.
    const auto [alive_sums, pick] =
        c.sums.masked_fill(c.tokens == kEosId, kNegInf).topk(beam_, /*dim=*/1);  // [n, K]
    const auto alive_tokens = c.tokens.gather(1, pick), alive_rows = c.rows.gather(1, pick);
    // One copy to the host per step: what the finished checks need.
    const auto first = [&](const torch::Tensor& t) {
      return t.narrow(1, 0, beam_).to(torch::kDouble);
    };
    const auto host = torch::stack({first(c.sums), first(c.tokens), first(c.rows), alive_sums})
                          .cpu();  // [4, n, K]
    add_endings(host.accessor<double, 3>());
    const auto open = open_sentences(host.accessor<double, 3>());
    std::vector<int64_t> sentence;
    for (const auto i : open) sentence.push_back(sentence_[static_cast<size_t>(i)]);
    sentence_ = sentence;
    if (sentence_.empty()) break;
    const auto keep = torch::tensor(open, pick.options());  // [n']
    sums_ = alive_sums.index_select(0, keep);               // [n', K]
    rows_.advance(alive_rows.index_select(0, keep).view(-1),
                  alive_tokens.index_select(0, keep).view(-1));  // [n' * K]
  }
  std::vector<std::vector<Hypothesis>> out;
  for (auto& f : finished_) out.push_back(f.take());
  return out;
}

}  // namespace

std::vector<std::vector<Hypothesis>> beam_search(Scorer& scorer, const torch::Tensor& src,
                                                 const torch::Tensor& src_lengths,
                                                 const SearchOptions& options) {
  return BeamSearch(scorer, src, src_lengths, options).run();
}

}  // namespace nmt
