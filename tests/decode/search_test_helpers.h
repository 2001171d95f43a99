// Test support for search: tiny random models with peaked output distributions, and an
// independent scorer that teacher-forces a given output through Seq2Seq::forward.
#pragma once

#include <torch/torch.h>

#include <string>
#include <vector>

#include "data/vocab.h"
#include "decode/model_scorer.h"
#include "decode/search.h"
#include "model/model_fixtures.h"
#include "model/seq2seq.h"

namespace nmt::test {

/// A model set-up of the search tests: RNN cell, attention style, attention type, layers.
struct ModelSpec {
  std::string cell;
  DecoderStyle style;
  std::string attention;
  int64_t layers;
};

/// Three sources of different lengths, each ending in </s>.
inline const std::vector<std::vector<int64_t>> kThreeSources = {
    {5, 9, 4, 11, kEosId}, {8, kEosId}, {12, 4, 4, 10, 6, 7, kEosId}};

/// A tiny model in eval mode (`attention`: any of model_variants()). The output layer is scaled by
/// `sharpen` so that the next-token distributions are far from uniform and beam search has real
/// choices to make.
inline Seq2Seq search_model(const std::string& cell, int64_t layers, DecoderStyle style,
                            const std::string& attention, uint64_t seed, int64_t trg_vocab,
                            double sharpen = 3.0) {
  torch::manual_seed(seed);
  Seq2Seq model(tiny_variant_config(attention, cell, layers, style), /*src_vocab=*/16, trg_vocab);
  model->eval();
  torch::NoGradGuard no_grad;
  model->named_parameters()["decoder.output.weight"].mul_(sharpen);
  return model;
}

/// What teacher forcing says of one output: its log-prob sum, score and attention.
struct Scored {
  std::vector<double> token_log_probs;  // of each of its T tokens
  double log_prob = 0;                  // sum over its T tokens
  double score = 0;                     // log_prob / length_penalty(T, alpha)
  torch::Tensor attention;              // [T, |src|]
};

/// The T tokens of a hypothesis as the decoder emits them: ids, then </s> if complete.
inline std::vector<int64_t> emitted(const std::vector<int64_t>& ids, bool complete) {
  auto out = ids;
  if (complete) out.push_back(kEosId);
  return out;
}

/// Teacher-forces each of `outputs` (emitted tokens, T >= 1) after the source `src`
/// (</s> included), all in one padded batch.
inline std::vector<Scored> teacher_force(Seq2SeqImpl& model, const std::vector<int64_t>& src,
                                         const std::vector<std::vector<int64_t>>& outputs,
                                         double alpha) {
  torch::NoGradGuard no_grad;
  std::vector<std::vector<int64_t>> trg_in;
  for (const auto& y : outputs) {
    trg_in.push_back({kBosId});
    trg_in.back().insert(trg_in.back().end(), y.begin(), y.end() - 1);
  }
  const auto [src_ids, src_len] = pad_rows(std::vector<std::vector<int64_t>>(outputs.size(), src));
  const auto out = model.forward(src_ids, src_len, pad_rows(trg_in).first);
  const auto log_probs = torch::log_softmax(out.logits.to(torch::kDouble), -1);  // [N, T, V]
  std::vector<Scored> scored;
  for (size_t n = 0; n < outputs.size(); ++n) {
    const auto row = static_cast<int64_t>(n);
    const auto t = static_cast<int64_t>(outputs[n].size());
    Scored s;
    for (int64_t i = 0; i < t; ++i) {
      s.token_log_probs.push_back(log_probs[row][i][outputs[n][i]].item<double>());
      s.log_prob += s.token_log_probs.back();
    }
    s.score = s.log_prob / length_penalty(t, alpha);
    s.attention = out.weights[row].slice(0, 0, t).slice(1, 0, static_cast<int64_t>(src.size()));
    scored.push_back(s);
  }
  return scored;
}

/// Every output a search may produce for a sentence with max length `max_length` over a
/// target vocabulary of `vocab` ids: tokens other than <pad> and <s>, ending in </s> or cut
/// at the max length.
inline std::vector<std::vector<int64_t>> all_outputs(int64_t vocab, int64_t max_length) {
  std::vector<int64_t> words;  // what may come before the end
  for (int64_t id = 0; id < vocab; ++id) {
    if (id != kPadId && id != kBosId && id != kEosId) words.push_back(id);
  }
  std::vector<std::vector<int64_t>> out, prefixes = {{}};
  for (int64_t t = 1; t <= max_length; ++t) {
    std::vector<std::vector<int64_t>> longer;
    for (const auto& p : prefixes) {
      out.push_back(p);
      out.back().push_back(kEosId);
      for (const auto w : words) {
        longer.push_back(p);
        longer.back().push_back(w);
      }
    }
    prefixes = longer;
  }
  out.insert(out.end(), prefixes.begin(), prefixes.end());  // cut at the max length
  return out;
}

}  // namespace nmt::test
