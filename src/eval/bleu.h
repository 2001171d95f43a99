// Corpus BLEU (Papineni et al., 2002) exactly as sacreBLEU 2.x computes it by default:
// 13a tokens, clipped 1..4-gram matches and lengths summed over the corpus, one brevity
// penalty for the corpus, and mteval's exponential smoothing of zero-match precisions.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "eval/ngram_counter.h"
#include "eval/tokenizer_13a.h"

namespace nmt {

/// Highest n-gram order BLEU counts.
inline constexpr int kBleuMaxOrder = 4;

/// sacreBLEU's signature of the BLEU computed here.
inline constexpr std::string_view kBleuSignature =
    "nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.x";

/// Sufficient statistics of BLEU; they add up over segments.
struct BleuStats {
  std::array<int64_t, kBleuMaxOrder> matches{};  ///< clipped matching n-grams, [n - 1]
  std::array<int64_t, kBleuMaxOrder> totals{};   ///< hypothesis n-grams, [n - 1]
  int64_t hyp_len = 0;                           ///< hypothesis tokens
  int64_t ref_len = 0;                           ///< reference tokens

  BleuStats& operator+=(const BleuStats& other);
};

/// A BLEU score with the values sacreBLEU prints beside it.
struct BleuScore {
  double score = 0;                                ///< 0..100
  std::array<double, kBleuMaxOrder> precisions{};  ///< percent, after smoothing
  double brevity_penalty = 0;
  double ratio = 0;  ///< hyp_len / ref_len, or 0 when ref_len is 0
  BleuStats stats;
};

/// Statistics of one segment pair at a time. It keeps tokenizer buffers and a table of the
/// reference tokens seen so far between calls: use one instance per corpus and thread.
class BleuScorer {
 public:
  BleuStats segment_stats(std::string_view hyp, std::string_view ref);

 private:
  // Id (from 1) of a reference token, added if new.
  uint32_t intern(std::string_view token);
  // Id of a hypothesis token, or 0 when no reference has it: it cannot match.
  uint32_t lookup(std::string_view token) const;

  Tokenizer13a tokenize_;
  std::unordered_map<std::string_view, uint32_t> ids_;
  std::deque<std::string> id_text_;  // owns the text the keys of ids_ view
  std::vector<uint32_t> hyp_ids_, ref_ids_;
  NgramMultiset ref_ngrams_;
};

/// Sum of the segment statistics of hyps[i] against refs[i]. Throws Error if the counts
/// differ.
BleuStats corpus_bleu_stats(const std::vector<std::string>& hyps,
                            const std::vector<std::string>& refs);

/// The score of summed statistics.
BleuScore compute_bleu(const BleuStats& stats);

/// compute_bleu(corpus_bleu_stats(hyps, refs)).
BleuScore corpus_bleu(const std::vector<std::string>& hyps, const std::vector<std::string>& refs);

/// sacreBLEU's text line, e.g.
/// `BLEU = 69.96 100.0/88.5/77.7/68.5 (BP = 0.845 ratio = 0.855 hyp_len = 10356 ref_len = 12106)`.
std::string format(const BleuScore& score);

}  // namespace nmt
