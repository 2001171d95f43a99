#include "train/validation.h"

#include <torch/torch.h>

#include <cmath>

#include "common/config.h"
#include "data/batch.h"
#include "data/batching.h"
#include "decode/model_scorer.h"
#include "decode/sentence_search.h"
#include "eval/bleu.h"
#include "eval/chrf.h"
#include "model/device.h"
#include "model/seq2seq.h"
#include "train/objective.h"

namespace nmt {
namespace {

// Mean per-token negative log-likelihood of the dev targets under teacher forcing.
double dev_loss(Seq2SeqImpl& model, const EncodedCorpus& dev, int64_t batch_tokens) {
  double nll = 0;
  int64_t tokens = 0;
  const auto device = device_of(model);
  for (const auto& indices :
       make_batches(dev.src_lengths(), dev.trg_lengths(), batch_tokens, /*seed=*/0, /*epoch=*/0)) {
    const Batch batch = make_batch(dev, indices.pairs).to(device);
    const auto outputs = model.forward_outputs(batch.src, batch.src_lengths, batch.trg_in).outputs;
    const auto loss =
        sharded_loss(model, outputs, batch.trg_out, /*smoothing=*/0.0, kLossShardTokens);
    nll += loss.nll.item<double>();
    tokens += loss.tokens;
  }
  return tokens > 0 ? nll / static_cast<double>(tokens) : 0.0;
}

// Greedy translations of the dev sources, in dev order.
std::vector<std::string> translate_dev(Seq2SeqImpl& model, const PreparedData& data,
                                       int64_t batch_size) {
  SearchOptions greedy;
  greedy.beam = 1;
  greedy.attention = false;
  ModelScorer scorer(model);
  const auto results = search_sentences(scorer, data.dev.src, greedy, batch_size);
  std::vector<std::string> out;
  for (const auto& hypotheses : results) {
    if (hypotheses.empty()) {
      out.emplace_back();
      continue;
    }
    const auto& ids = hypotheses.front().ids;
    out.push_back(data.vocabs.trg->decode(std::vector<int>(ids.begin(), ids.end())));
  }
  return out;
}

}  // namespace

double ValidationResult::value(ValidMetric metric) const {
  switch (metric) {
    case ValidMetric::bleu:
      return bleu;
    case ValidMetric::chrf:
      return chrf;
    case ValidMetric::ppl:
      return perplexity;
    case ValidMetric::loss:
      return loss;
  }
  return loss;
}

bool ValidationResult::higher_is_better(ValidMetric metric) {
  return metric == ValidMetric::bleu || metric == ValidMetric::chrf;
}

ValidationResult validate(Seq2SeqImpl& model, const PreparedData& data, const TrainConfig& config) {
  torch::NoGradGuard no_grad;
  ValidationResult r;
  r.loss = dev_loss(model, data.dev, config.batch_tokens);
  r.perplexity = std::exp(r.loss);
  r.translations = translate_dev(model, data, config.valid_batch_size);
  r.bleu = corpus_bleu(r.translations, data.dev_references).score;
  r.chrf = corpus_chrf(r.translations, data.dev_references).score;
  return r;
}

}  // namespace nmt
