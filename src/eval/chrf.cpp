// chrF statistics over code points with exact packed n-gram keys; the score follows
// sacreBLEU's CHRF._compute_f_score (eps_smoothing=False) operation by operation.
#include "eval/chrf.h"

#include <algorithm>
#include <cstdio>

#include "common/errors.h"
#include "common/utf8.h"
#include "eval/tokenizer_13a.h"

namespace nmt {
namespace {

// ''.join(text.split()) as code points. `text` must be valid UTF-8 (read_lines checks it).
void chars_without_spaces(std::string_view text, std::u32string& out) {
  out = decode_utf8(text);
  out.erase(std::remove_if(out.begin(), out.end(), is_unicode_space), out.end());
}

// Calls f(n, key) for the character n-grams of `chars` up to kChrfCharOrder, longest last
// from each start, until f returns false for that start. Code points are stored plus 1 so
// that no packed position is 0 (see NgramKey); 0x10FFFF + 1 < 2^21.
template <typename F>
void for_each_ngram(const std::u32string& chars, F f) {
  for (size_t i = 0; i < chars.size(); ++i) {
    NgramKey key;
    for (size_t n = 1; n <= kChrfCharOrder && i + n <= chars.size(); ++n) {
      const uint64_t c = static_cast<uint64_t>(chars[i + n - 1]) + 1;
      (n <= 3 ? key.lo : key.hi) |= c << (21 * ((n - 1) % 3));
      if (!f(n, key)) break;
    }
  }
}

}  // namespace

ChrfStats& ChrfStats::operator+=(const ChrfStats& other) {
  for (int n = 0; n < kChrfCharOrder; ++n) {
    hyp[n] += other.hyp[n];
    ref[n] += other.ref[n];
    matches[n] += other.matches[n];
  }
  return *this;
}

ChrfStats ChrfScorer::segment_stats(std::string_view hyp, std::string_view ref) {
  chars_without_spaces(hyp, hyp_chars_);
  chars_without_spaces(ref, ref_chars_);
  const auto hyp_len = static_cast<int64_t>(hyp_chars_.size());
  const auto ref_len = static_cast<int64_t>(ref_chars_.size());

  ChrfStats stats;
  for (int n = 1; n <= kChrfCharOrder; ++n) {
    stats.ref[n - 1] = std::max<int64_t>(0, ref_len - n + 1);
    // sacreBLEU's _get_match_statistics: "don't count hits if no reference exists".
    stats.hyp[n - 1] = ref_len >= n ? std::max<int64_t>(0, hyp_len - n + 1) : 0;
  }
  ref_ngrams_.clear(kChrfCharOrder * ref_chars_.size());
  for_each_ngram(ref_chars_, [&](size_t, const NgramKey& key) {
    ref_ngrams_.insert(key);
    return true;
  });
  for_each_ngram(hyp_chars_, [&](size_t n, const NgramKey& key) {
    const auto taken = ref_ngrams_.take(key);
    if (taken == NgramMultiset::Take::kTaken) ++stats.matches[n - 1];
    return taken != NgramMultiset::Take::kAbsent;  // then so is every longer n-gram
  });
  return stats;
}

ChrfStats corpus_chrf_stats(const std::vector<std::string>& hyps,
                            const std::vector<std::string>& refs) {
  if (hyps.size() != refs.size()) {
    throw Error("chrF: " + std::to_string(hyps.size()) + " hypotheses but " +
                std::to_string(refs.size()) + " references");
  }
  ChrfScorer scorer;
  ChrfStats total;
  for (size_t i = 0; i < hyps.size(); ++i) total += scorer.segment_stats(hyps[i], refs[i]);
  return total;
}

ChrfScore compute_chrf(const ChrfStats& stats) {
  ChrfScore out;
  out.stats = stats;
  // Precision and recall are averaged over the orders where both sides have n-grams
  // (sacreBLEU's "effective order"; eff:yes in the signature).
  double avg_prec = 0.0, avg_rec = 0.0;
  int effective_order = 0;
  for (int n = 0; n < kChrfCharOrder; ++n) {
    if (stats.hyp[n] > 0 && stats.ref[n] > 0) {
      avg_prec += static_cast<double>(stats.matches[n]) / static_cast<double>(stats.hyp[n]);
      avg_rec += static_cast<double>(stats.matches[n]) / static_cast<double>(stats.ref[n]);
      ++effective_order;
    }
  }
  if (effective_order == 0) return out;
  avg_prec /= effective_order;
  avg_rec /= effective_order;
  if (avg_prec + avg_rec == 0.0) return out;
  const double factor = kChrfBeta * kChrfBeta;
  const double f = (1 + factor) * avg_prec * avg_rec / (factor * avg_prec + avg_rec);
  out.score = 100 * f;
  return out;
}

ChrfScore corpus_chrf(const std::vector<std::string>& hyps, const std::vector<std::string>& refs) {
  return compute_chrf(corpus_chrf_stats(hyps, refs));
}

std::string format(const ChrfScore& score) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "chrF%d = %.2f", kChrfBeta, score.score);
  return buf;
}

}  // namespace nmt
