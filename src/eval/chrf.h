// Corpus chrF (Popović, 2015) exactly as sacreBLEU 2.x computes it by default: character
// 1..6-grams of each segment with all whitespace removed, statistics summed over the corpus,
// precision and recall averaged over the orders that occur, then F-beta with beta = 2.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "eval/ngram_counter.h"

namespace nmt {

/// Highest character n-gram order chrF counts.
inline constexpr int kChrfCharOrder = 6;

/// Weight of recall relative to precision.
inline constexpr int kChrfBeta = 2;

/// sacreBLEU's signature of the chrF computed here.
inline constexpr std::string_view kChrfSignature =
    "nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.x";

/// Sufficient statistics of chrF, per order n at [n - 1]; they add up over segments.
struct ChrfStats {
  /// Hypothesis n-grams. As in sacreBLEU, a segment whose reference has no n-grams of an
  /// order adds none for that order.
  std::array<int64_t, kChrfCharOrder> hyp{};
  std::array<int64_t, kChrfCharOrder> ref{};      ///< reference n-grams
  std::array<int64_t, kChrfCharOrder> matches{};  ///< clipped matching n-grams

  ChrfStats& operator+=(const ChrfStats& other);
};

/// A chrF score (0..100) and the statistics it came from.
struct ChrfScore {
  double score = 0;
  ChrfStats stats;
};

/// Statistics of one segment pair at a time, reusing its buffers between calls: use one
/// instance per thread.
class ChrfScorer {
 public:
  ChrfStats segment_stats(std::string_view hyp, std::string_view ref);

 private:
  std::u32string hyp_chars_, ref_chars_;
  NgramMultiset ref_ngrams_;
};

/// Sum of the segment statistics of hyps[i] against refs[i]. Throws Error if the counts
/// differ.
ChrfStats corpus_chrf_stats(const std::vector<std::string>& hyps,
                            const std::vector<std::string>& refs);

/// The score of summed statistics.
ChrfScore compute_chrf(const ChrfStats& stats);

/// compute_chrf(corpus_chrf_stats(hyps, refs)).
ChrfScore corpus_chrf(const std::vector<std::string>& hyps, const std::vector<std::string>& refs);

/// sacreBLEU's text line, e.g. `chrF2 = 82.76`.
std::string format(const ChrfScore& score);

}  // namespace nmt
