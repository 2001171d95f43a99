// A lexical shortlist (as Marian's and CTranslate2's vocabulary maps): for each batch, search
// scores only the target pieces a lexicon (data/lexicon.h) makes likely for the batch's source
// pieces, plus the most frequent ones, instead of the whole target vocabulary. The output
// layer, the softmax and beam search's top-k then work on a few hundred columns instead of
// thousands; the log-probs are normalised over the shortlist.
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <string>

#include "data/lexicon.h"

namespace nmt {

struct ShortlistOptions {
  int64_t per_source = 50;  // translations taken per distinct source piece of the batch
  int64_t frequent = 100;   // most frequent target pieces always taken
};

/// The shortlist file of a model directory, written by `nmt shortlist`.
std::string shortlist_path(const std::string& model_dir);

class Shortlist {
 public:
  /// Throws ConfigError if a size is below 0.
  Shortlist(Lexicon lexicon, const ShortlistOptions& options, int64_t target_vocab);

  /// The target ids [V'] int64, ascending, on src's device, that a batch with source ids
  /// src [B, S] (int64, <pad> anywhere) may output: </s>, the frequent pieces and each source
  /// piece's likeliest translations. Never <pad> or <s>.
  torch::Tensor vocabulary(const torch::Tensor& src) const;

 private:
  Lexicon lexicon_;
  ShortlistOptions options_;
  int64_t target_vocab_;
};

}  // namespace nmt
