// Internal to search: what greedy and beam search share. A batch of rows (one per sentence, or
// one per hypothesis) with the scorer's state and the output so far; rows leave or are
// reordered with index_select, so the encoder runs once per batch. Each step's outputs (and
// attention, if kept) go into buffers made once per search, with each row's parent at the step
// before: a step costs the same at any length, and finish() follows the parents back.
#pragma once

#include <torch/types.h>

#include <vector>

#include "decode/scorer.h"
#include "decode/search.h"

namespace nmt {

/// A hypothesis that ends at this step: its parent row followed by `token`.
struct Ending {
  int64_t row = 0;      // parent row in the batch
  int64_t token = 0;    // </s>, or any token at the max length
  double log_prob = 0;  // sum of log-probs, `token` included
  int64_t src_len = 0;  // |src| of its sentence, the width of its attention matrix
};

class SearchRows {
 public:
  /// Starts `scorer` on src [B, S] (lengths [B]) and makes `copies` rows of each sentence,
  /// sentence b owning rows [b * copies, (b + 1) * copies), for at most max_output_length()
  /// steps. Keeps the attention of every step only if `options.attention`.
  SearchRows(Scorer& scorer, const torch::Tensor& src, const torch::Tensor& src_lengths,
             int64_t copies, const SearchOptions& options);

  /// Runs the scorer one step on every row from the last output (<s> at step 0): returns
  /// log-probs [R, V] float with <pad> and <s> at -inf, and keeps the step's attention. With a
  /// shortlist, V is the batch's shortlist (tokens() maps its columns to target ids).
  torch::Tensor step();
  /// The target ids of columns `columns` (any shape) of the last step's log-probs.
  torch::Tensor tokens(const torch::Tensor& columns) const;
  /// Keeps rows `rows` ([R'] int64, repeats allowed) of everything, in that order, and
  /// appends `tokens` [R'] as their output of the step just run.
  void advance(const torch::Tensor& rows, const torch::Tensor& tokens);
  /// The hypotheses of `endings`, in that order, with their attention up to this step (if kept).
  std::vector<Hypothesis> finish(const std::vector<Ending>& endings, double alpha) const;

  int64_t steps() const { return steps_; }  // steps taken and kept so far
  const std::vector<int64_t>& src_lengths() const { return src_lengths_; }  // per sentence

 private:
  /// Starts the scorer's rows anew as `rows` of what it holds, padded (see search_rows.cpp).
  void reorder_scorer(const torch::Tensor& rows);

  Scorer& scorer_;
  const bool keep_attention_;
  int64_t scorer_rows_ = 0;  // rows the scorer steps: the R real ones, then copies of the last
  std::vector<int64_t> src_lengths_;
  int64_t rows_ = 0;  // R, the rows now
  int64_t steps_ = 0;
  torch::Tensor last_tokens_;  // [R] int64 output of the step before (<s> at step 0)
  // Step t >= 1: row r's parent at step t - 1 and the token that parent output.
  std::vector<std::vector<int64_t>> parents_, tokens_;
  torch::Tensor attention_;   // [T, R0, S] row r's attention at step t in [t][r] (if kept)
  torch::Tensor vocabulary_;  // [V] target id of each column of the last step, if shortlisted
};

}  // namespace nmt
