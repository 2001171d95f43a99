// BLEU statistics with interned token ids and exact packed n-gram keys; the score formula
// follows sacreBLEU's BLEU.compute_bleu operation by operation.
#include "eval/bleu.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "common/errors.h"

namespace nmt {
namespace {

// Calls f(n, key) for the n-grams of `ids` up to kBleuMaxOrder, longest last from each
// start, until f returns false for that start or an id is 0 (a token no reference has, so
// no n-gram through it can match).
template <typename F>
void for_each_ngram(const std::vector<uint32_t>& ids, F f) {
  for (size_t i = 0; i < ids.size(); ++i) {
    NgramKey key;
    for (size_t n = 1; n <= kBleuMaxOrder && i + n <= ids.size(); ++n) {
      const uint64_t id = ids[i + n - 1];
      if (id == 0) break;
      (n <= 2 ? key.lo : key.hi) |= id << (32 * ((n - 1) % 2));
      if (!f(n, key)) break;
    }
  }
}

// sacreBLEU's my_log: log(0) is a large finite negative number, so exp() of the mean is 0.
double my_log(double x) { return x == 0.0 ? -9999999999.0 : std::log(x); }

}  // namespace

BleuStats& BleuStats::operator+=(const BleuStats& other) {
  for (int n = 0; n < kBleuMaxOrder; ++n) {
    matches[n] += other.matches[n];
    totals[n] += other.totals[n];
  }
  hyp_len += other.hyp_len;
  ref_len += other.ref_len;
  return *this;
}

uint32_t BleuScorer::intern(std::string_view token) {
  if (auto it = ids_.find(token); it != ids_.end()) return it->second;
  const auto id = static_cast<uint32_t>(ids_.size() + 1);
  ids_.emplace(id_text_.emplace_back(token), id);
  return id;
}

uint32_t BleuScorer::lookup(std::string_view token) const {
  const auto it = ids_.find(token);
  return it == ids_.end() ? 0 : it->second;
}

BleuStats BleuScorer::segment_stats(std::string_view hyp, std::string_view ref) {
  // The reference first, so that lookup() knows all of its tokens. sacreBLEU rstrip()s
  // before tokenizing; it matters only for a trailing "-\n".
  ref_ids_.clear();
  for (std::string_view token : tokenize_(rstrip_unicode_space(ref))) {
    ref_ids_.push_back(intern(token));
  }
  hyp_ids_.clear();
  for (std::string_view token : tokenize_(rstrip_unicode_space(hyp))) {
    hyp_ids_.push_back(lookup(token));
  }

  BleuStats stats;
  stats.hyp_len = static_cast<int64_t>(hyp_ids_.size());
  stats.ref_len = static_cast<int64_t>(ref_ids_.size());
  for (int n = 1; n <= kBleuMaxOrder; ++n) {
    stats.totals[n - 1] = std::max<int64_t>(0, stats.hyp_len - n + 1);
  }
  ref_ngrams_.clear(kBleuMaxOrder * ref_ids_.size());
  for_each_ngram(ref_ids_, [&](size_t, const NgramKey& key) {
    ref_ngrams_.insert(key);
    return true;
  });
  for_each_ngram(hyp_ids_, [&](size_t n, const NgramKey& key) {
    const auto taken = ref_ngrams_.take(key);
    if (taken == NgramMultiset::Take::kTaken) ++stats.matches[n - 1];
    return taken != NgramMultiset::Take::kAbsent;  // then so is every longer n-gram
  });
  return stats;
}

BleuStats corpus_bleu_stats(const std::vector<std::string>& hyps,
                            const std::vector<std::string>& refs) {
  if (hyps.size() != refs.size()) {
    throw Error("BLEU: " + std::to_string(hyps.size()) + " hypotheses but " +
                std::to_string(refs.size()) + " references");
  }
  BleuScorer scorer;
  BleuStats total;
  for (size_t i = 0; i < hyps.size(); ++i) total += scorer.segment_stats(hyps[i], refs[i]);
  return total;
}

BleuScore compute_bleu(const BleuStats& stats) {
  BleuScore out;
  out.stats = stats;
  const auto sys_len = static_cast<double>(stats.hyp_len);
  const auto ref_len = static_cast<double>(stats.ref_len);
  out.brevity_penalty = 1.0;
  if (stats.hyp_len < stats.ref_len) {
    out.brevity_penalty = stats.hyp_len > 0 ? std::exp(1 - ref_len / sys_len) : 0.0;
  }
  out.ratio = stats.ref_len > 0 ? sys_len / ref_len : 0.0;

  bool any_match = false;
  for (int64_t m : stats.matches) any_match |= m > 0;
  if (!any_match) return out;

  // A zero count gets precision 1 / (2^k * total) for its k-th zero order; an order
  // without hypothesis n-grams keeps precision 0 (score 0) and stops the loop.
  double smooth = 1.0;
  for (int n = 0; n < kBleuMaxOrder; ++n) {
    const int64_t total = stats.totals[n];
    if (total == 0) break;
    if (stats.matches[n] == 0) {
      smooth *= 2;
      out.precisions[n] = 100.0 / (smooth * static_cast<double>(total));
    } else {
      out.precisions[n] =
          100.0 * static_cast<double>(stats.matches[n]) / static_cast<double>(total);
    }
  }
  double log_sum = 0.0;
  for (double p : out.precisions) log_sum += my_log(p);
  out.score = out.brevity_penalty * std::exp(log_sum / kBleuMaxOrder);
  return out;
}

BleuScore corpus_bleu(const std::vector<std::string>& hyps, const std::vector<std::string>& refs) {
  return compute_bleu(corpus_bleu_stats(hyps, refs));
}

std::string format(const BleuScore& s) {
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "BLEU = %.2f %.1f/%.1f/%.1f/%.1f (BP = %.3f ratio = %.3f hyp_len = %lld "
                "ref_len = %lld)",
                s.score, s.precisions[0], s.precisions[1], s.precisions[2], s.precisions[3],
                s.brevity_penalty, s.ratio, static_cast<long long>(s.stats.hyp_len),
                static_cast<long long>(s.stats.ref_len));
  return buf;
}

}  // namespace nmt
