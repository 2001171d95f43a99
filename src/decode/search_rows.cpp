// The rows greedy and beam search advance: the scorer started once per batch, then one step per
// output position for all rows at once.
#include "decode/search_rows.h"

#include <algorithm>
#include <limits>
#include <string>

#include "common/errors.h"
#include "data/vocab.h"

namespace nmt {
namespace {

// OpenBLAS's sgemm (0.3.21, its Zen kernels on a Zen 3 CPU) took as long for 9 to 15 rows as
// for 16, or longer: a [12 x 256] x [256 x 4000] product took 948 us, against 513 us for 16
// rows (bench/RESULTS.md, "Search rows padded to a multiple of 16"). Every GEMM of a decoder
// step has the search's rows as its M, so the scorer steps with the rows padded up to the next
// multiple of 16 when they fall in the upper half between two; the padding rows copy the last
// row and their outputs are dropped.
constexpr int64_t kRowMultiple = 16;

int64_t padded_row_count(int64_t rows) {
  const auto over = rows % kRowMultiple;
  return over > kRowMultiple / 2 ? rows - over + kRowMultiple : rows;
}

// rows [R] followed by copies of its last element up to `count`.
torch::Tensor pad_with_last(const torch::Tensor& rows, int64_t count) {
  const auto real = rows.size(0);
  if (count == real) return rows;
  return torch::cat({rows, rows.narrow(0, real - 1, 1).expand({count - real})});
}

}  // namespace

SearchRows::SearchRows(Scorer& scorer, const torch::Tensor& src, const torch::Tensor& src_lengths,
                       int64_t copies, const SearchOptions& options)
    : scorer_(scorer), keep_attention_(options.attention) {
  const auto lengths = src_lengths.to(torch::kCPU, torch::kLong).contiguous();
  src_lengths_.assign(lengths.data_ptr<int64_t>(), lengths.data_ptr<int64_t>() + lengths.numel());
  scorer_.start(src, src_lengths);
  // Row r belongs to sentence r / copies.
  const auto rows = torch::arange(src.size(0), src.options().dtype(torch::kLong))
                        .repeat_interleave(copies);  // [B * copies]
  rows_ = rows.size(0);
  scorer_rows_ = src.size(0);
  if (copies > 1 || padded_row_count(rows_) != rows_) reorder_scorer(rows);
  last_tokens_ = torch::full({rows_}, kBosId, rows.options());
  if (keep_attention_) {
    int64_t longest = 0;
    for (const auto length : src_lengths_) {
      longest = std::max(longest, max_output_length(length, options));
    }
    attention_ = torch::empty({longest, rows_, src.size(1)}, src.options().dtype(torch::kFloat));
  }
}

void SearchRows::reorder_scorer(const torch::Tensor& rows) {
  const auto padded = pad_with_last(rows, padded_row_count(rows.size(0)));
  scorer_.reorder(padded);
  scorer_rows_ = padded.size(0);
}

torch::Tensor SearchRows::step() {
  auto out = scorer_.step(pad_with_last(last_tokens_, scorer_rows_), steps_);
  if (keep_attention_) {
    if (steps_ >= attention_.size(0)) {
      throw Error("search: step " + std::to_string(steps_ + 1) + " is past the longest output (" +
                  std::to_string(attention_.size(0)) + ")");
    }
    attention_[steps_].narrow(0, 0, rows_).copy_(out.attention.narrow(0, 0, rows_));  // [R, S]
  }
  auto log_probs = out.log_probs.narrow(0, 0, rows_);  // [R, V]
  vocabulary_ = std::move(out.vocabulary);
  if (vocabulary_.defined()) return log_probs;  // a shortlist holds no <pad> or <s>
  // Masked after the softmax: scores stay the model's own log-probs of the output.
  const auto never = torch::tensor({int64_t{kPadId}, int64_t{kBosId}}, last_tokens_.options());
  return log_probs.index_fill_(/*dim=*/1, never, -std::numeric_limits<float>::infinity());
}

torch::Tensor SearchRows::tokens(const torch::Tensor& columns) const {
  return vocabulary_.defined() ? vocabulary_.take(columns) : columns;
}

void SearchRows::advance(const torch::Tensor& rows, const torch::Tensor& tokens) {
  reorder_scorer(rows);
  const auto as_vector = [](const torch::Tensor& t) {
    const auto host = t.to(torch::kCPU, torch::kLong).contiguous();
    return std::vector<int64_t>(host.data_ptr<int64_t>(), host.data_ptr<int64_t>() + host.numel());
  };
  parents_.push_back(as_vector(rows));
  tokens_.push_back(as_vector(tokens));
  last_tokens_ = tokens;
  rows_ = rows.size(0);
  ++steps_;
}

std::vector<Hypothesis> SearchRows::finish(const std::vector<Ending>& endings, double alpha) const {
  if (endings.empty()) return {};
  const auto length = steps_ + 1;
  // Each ending's tokens, and its row at every step (for the attention), followed back
  // from its row now through the parents.
  std::vector<std::vector<int64_t>> ids(endings.size(), std::vector<int64_t>(length));
  std::vector<int64_t> cells;  // step * R0 + row, for every ending and step in order
  cells.reserve(keep_attention_ ? endings.size() * static_cast<size_t>(length) : 0);
  std::vector<int64_t> row_at(static_cast<size_t>(length));
  for (size_t i = 0; i < endings.size(); ++i) {
    auto row = endings[i].row;
    ids[i].back() = endings[i].token;
    row_at.back() = row;
    for (auto s = steps_; s >= 1; --s) {
      const auto step = static_cast<size_t>(s - 1), r = static_cast<size_t>(row);
      ids[i][step] = tokens_[step][r];
      row = parents_[step][r];
      row_at[step] = row;
    }
    if (!keep_attention_) continue;
    for (int64_t s = 0; s < length; ++s) {
      cells.push_back(s * attention_.size(1) + row_at[static_cast<size_t>(s)]);
    }
  }
  torch::Tensor weights;  // [E, t+1, S] on the host
  if (keep_attention_) {
    const auto index = torch::tensor(cells, torch::kLong).to(attention_.device());
    weights = attention_.view({-1, attention_.size(2)})
                  .index_select(0, index)
                  .view({static_cast<int64_t>(endings.size()), length, attention_.size(2)})
                  .cpu();
  }
  std::vector<Hypothesis> out(endings.size());
  for (size_t i = 0; i < endings.size(); ++i) {
    auto& h = out[i];
    h.complete = endings[i].token == kEosId;
    h.ids.assign(ids[i].begin(), ids[i].end() - (h.complete ? 1 : 0));
    h.score = endings[i].log_prob / length_penalty(length, alpha);
    if (keep_attention_) {
      h.attention =
          weights[static_cast<int64_t>(i)].slice(/*dim=*/1, 0, endings[i].src_len).clone();
    }
  }
  return out;
}

}  // namespace nmt
