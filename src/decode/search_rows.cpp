// The rows greedy and beam search advance: the scorer started once per batch, then one step per
// output position for all rows at once.
#include "decode/search_rows.h"

#include <limits>

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
                       int64_t copies, bool keep_attention)
    : scorer_(scorer), keep_attention_(keep_attention), src_width_(src.size(1)) {
  const auto lengths = src_lengths.to(torch::kCPU, torch::kLong).contiguous();
  src_lengths_.assign(lengths.data_ptr<int64_t>(), lengths.data_ptr<int64_t>() + lengths.numel());
  scorer_.start(src, src_lengths);
  // Row r belongs to sentence r / copies.
  const auto rows = torch::arange(src.size(0), src.options().dtype(torch::kLong))
                        .repeat_interleave(copies);  // [B * copies]
  scorer_rows_ = src.size(0);
  if (copies > 1 || padded_row_count(rows.size(0)) != rows.size(0)) reorder_scorer(rows);
  ids_ = torch::empty({rows.size(0), 0}, rows.options());  // [R, 0]
}

void SearchRows::reorder_scorer(const torch::Tensor& rows) {
  const auto padded = pad_with_last(rows, padded_row_count(rows.size(0)));
  scorer_.reorder(padded);
  scorer_rows_ = padded.size(0);
}

torch::Tensor SearchRows::step() {
  const auto rows = ids_.size(0);
  const auto prev = steps() == 0 ? torch::full({scorer_rows_}, kBosId, ids_.options())
                                 : pad_with_last(ids_.select(1, steps() - 1), scorer_rows_);
  auto out = scorer_.step(prev, steps());
  if (keep_attention_) {
    last_ = out.attention.narrow(0, 0, rows);  // [R, S]
    if (!weights_.defined()) weights_ = torch::empty({rows, 0, src_width_}, last_.options());
  }
  auto log_probs = out.log_probs.narrow(0, 0, rows);  // [R, V]
  vocabulary_ = std::move(out.vocabulary);
  if (vocabulary_.defined()) return log_probs;  // a shortlist holds no <pad> or <s>
  // Masked after the softmax: scores stay the model's own log-probs of the output.
  const auto never = torch::tensor({int64_t{kPadId}, int64_t{kBosId}}, ids_.options());
  return log_probs.index_fill_(/*dim=*/1, never, -std::numeric_limits<float>::infinity());
}

torch::Tensor SearchRows::tokens(const torch::Tensor& columns) const {
  return vocabulary_.defined() ? vocabulary_.take(columns) : columns;
}

void SearchRows::advance(const torch::Tensor& rows, const torch::Tensor& tokens) {
  reorder_scorer(rows);
  ids_ = torch::cat({ids_.index_select(0, rows), tokens.unsqueeze(1)}, /*dim=*/1);  // [R', t+1]
  if (!keep_attention_) return;
  weights_ = torch::cat({weights_.index_select(0, rows), last_.index_select(0, rows).unsqueeze(1)},
                        /*dim=*/1);  // [R', t+1, S]
}

std::vector<Hypothesis> SearchRows::finish(const std::vector<Ending>& endings, double alpha) const {
  if (endings.empty()) return {};
  std::vector<int64_t> parent, token;
  for (const auto& e : endings) {
    parent.push_back(e.row);
    token.push_back(e.token);
  }
  const auto rows = torch::tensor(parent, ids_.options());
  // One gather and one copy to the host for all of this step's endings.
  const auto ids =
      torch::cat({ids_.index_select(0, rows), torch::tensor(token, ids_.options()).unsqueeze(1)},
                 /*dim=*/1)
          .cpu();  // [E, t+1]
  const auto weights =
      keep_attention_
          ? torch::cat({weights_.index_select(0, rows), last_.index_select(0, rows).unsqueeze(1)},
                       /*dim=*/1)
                .to(torch::kCPU, torch::kFloat)  // [E, t+1, S]
          : torch::Tensor();
  const auto length = ids.size(1);
  std::vector<Hypothesis> out(endings.size());
  for (size_t i = 0; i < endings.size(); ++i) {
    auto& h = out[i];
    h.complete = endings[i].token == kEosId;
    const auto* row = ids[static_cast<int64_t>(i)].data_ptr<int64_t>();
    h.ids.assign(row, row + length - (h.complete ? 1 : 0));
    h.score = endings[i].log_prob / length_penalty(length, alpha);
    if (keep_attention_) {
      h.attention =
          weights[static_cast<int64_t>(i)].slice(/*dim=*/1, 0, endings[i].src_len).clone();
    }
  }
  return out;
}

}  // namespace nmt
