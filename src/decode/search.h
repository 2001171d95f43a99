// Search: turns a batch of source sentences into target hypotheses with a trained model, by
// greedy search (beam 1) or beam search with the GNMT length penalty (Wu et al. 2016, eq. 14).
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <vector>

#include "decode/scorer.h"

namespace nmt {

struct SearchOptions {
  int64_t beam = 1;        // 1: greedy search
  double alpha = 0.6;      // length penalty exponent, >= 0 (0: raw sum of log-probs)
  double max_len_a = 1.5;  // a sentence outputs at most max(1, floor(a * |src| + b)) tokens,
  int64_t max_len_b = 10;  // </s> included; |src| counts the source's </s>
  int64_t nbest = 1;       // hypotheses returned per sentence, 1 <= nbest <= beam
  // Keep each hypothesis's attention matrix. Without it a step copies no attention history,
  // which otherwise grows with the output length (validation and plain translation read none).
  bool attention = true;
};

/// Throws ConfigError naming the option when `options` are out of range.
void validate(const SearchOptions& options);

struct Hypothesis {
  std::vector<int64_t> ids;  // output ids, without </s>; never <pad> or <s>
  double score = 0;          // sum of the T tokens' log-probs / length_penalty(T, alpha)
  bool complete = false;     // ended with </s>; false: cut at the max length, T = ids.size()
  torch::Tensor attention;   // [T, S] float on the CPU: row t = weights over the S = |src|
                             // source positions when output token t was chosen (</s> included);
                             // undefined when SearchOptions::attention is false
};

/// GNMT length penalty lp(T) = ((5 + T) / 6)^alpha of T output tokens (</s> included).
double length_penalty(int64_t length, double alpha);

/// The most output tokens (</s> included) for a source of `src_length` tokens (</s> included):
/// max(1, floor(a * src_length + b)), with a tolerance so that e.g. 0.29 * 100 gives 29.
int64_t max_output_length(int64_t src_length, const SearchOptions& options);

/// Translates src [B, S] int64 (padded with <pad>) with lengths [B] int64 (</s> included), both
/// on the scorer's device, with one model or an ensemble (decode/model_scorer.h,
/// ensemble_scorer.h). Returns for each sentence its hypotheses, best score first: nbest of
/// them for beam search (fewer only if the model admits fewer outputs), one for greedy search.
/// Runs without gradients and leaves the models' mode alone: callers put them in eval() first,
/// or dropout makes the search random. Never outputs <pad> or <s>; <unk> may appear.
///
/// Beam search keeps, per sentence, the `beam` best unfinished hypotheses. Each step, of the
/// 2 * beam best extensions, those ending in </s> among the first `beam` finish (all of the
/// first `beam` do at the sentence's max length) and the `beam` best others go on. A sentence
/// stops at its max length, when `beam` hypotheses have finished, or when `nbest` have finished
/// and no unfinished hypothesis can still beat the nbest-th: with alpha >= 0 no extension of a
/// hypothesis with log-prob sum L scores above L / lp(max length). Beam 1 equals greedy search.
std::vector<std::vector<Hypothesis>> search(Scorer& scorer, const torch::Tensor& src,
                                            const torch::Tensor& src_lengths,
                                            const SearchOptions& options);

}  // namespace nmt
