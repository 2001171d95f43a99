#include "decode/translator.h"

#include <torch/torch.h>

#include <filesystem>
#include <numeric>

#include "common/errors.h"
#include "data/vocab.h"
#include "train/checkpoint.h"

namespace nmt {
namespace {

std::string default_checkpoint(const std::string& model_dir) {
  if (std::filesystem::exists(best_checkpoint_path(model_dir))) {
    return best_checkpoint_path(model_dir);
  }
  const auto steps = list_step_checkpoints(model_dir);
  if (steps.empty()) throw Error("--model: no checkpoint in " + model_dir + " (train one first)");
  return steps.back();
}

std::vector<std::string> pieces_of(const Vocab& vocab, const std::vector<int64_t>& ids,
                                   bool with_eos) {
  std::vector<std::string> pieces;
  for (int64_t id : ids) pieces.push_back(vocab.piece(static_cast<int>(id)));
  if (with_eos) pieces.push_back("</s>");
  return pieces;
}

}  // namespace

Translator::Translator(const std::string& model_dir, const std::string& checkpoint)
    : checkpoint_(checkpoint.empty() ? default_checkpoint(model_dir) : checkpoint) {
  config_ = parse_config(checkpoint_config(checkpoint_), checkpoint_);
  const auto files = subword_model_files(config_.data, model_dir);
  src_vocab_ = std::make_shared<Vocab>(files.front());
  trg_vocab_ = files.size() > 1 ? std::make_shared<Vocab>(files.back()) : src_vocab_;
  model_ = Seq2Seq(config_.model, src_vocab_->size(), trg_vocab_->size());
  load_checkpoint(checkpoint_, *model_, nullptr);
  model_->eval();
}

Translator::~Translator() = default;

std::vector<Translation> Translator::translate(const std::vector<std::string>& lines,
                                               const SearchOptions& options,
                                               int64_t batch_size) {
  std::vector<Translation> out(lines.size());
  std::vector<std::vector<int>> ids(lines.size());
  std::vector<int64_t> order;
  for (size_t i = 0; i < lines.size(); ++i) {
    ids[i] = src_vocab_->encode(lines[i]);
    if (!ids[i].empty()) order.push_back(static_cast<int64_t>(i));
  }
  // Similar lengths share a batch, so little work goes to padding.
  std::stable_sort(order.begin(), order.end(),
                   [&](int64_t a, int64_t b) { return ids[a].size() < ids[b].size(); });
  for (size_t start = 0; start < order.size(); start += static_cast<size_t>(batch_size)) {
    const size_t end = std::min(order.size(), start + static_cast<size_t>(batch_size));
    int64_t longest = 0;
    for (size_t k = start; k < end; ++k) {
      longest = std::max<int64_t>(longest, static_cast<int64_t>(ids[order[k]].size()) + 1);
    }
    const auto rows = static_cast<int64_t>(end - start);
    auto src = torch::full({rows, longest}, kPadId, torch::kInt64);
    auto lengths = torch::empty({rows}, torch::kInt64);
    for (int64_t r = 0; r < rows; ++r) {
      const auto& x = ids[order[start + r]];
      for (size_t j = 0; j < x.size(); ++j) src[r][static_cast<int64_t>(j)] = x[j];
      src[r][static_cast<int64_t>(x.size())] = kEosId;
      lengths[r] = static_cast<int64_t>(x.size()) + 1;
    }
    auto results = search(*model_, src, lengths, options);
    for (int64_t r = 0; r < rows; ++r) {
      const auto i = order[start + r];
      auto& t = out[i];
      t.source_pieces = pieces_of(*src_vocab_, {ids[i].begin(), ids[i].end()}, true);
      t.hypotheses = std::move(results[r]);
      for (const auto& h : t.hypotheses) {
        t.texts.push_back(trg_vocab_->decode({h.ids.begin(), h.ids.end()}));
        t.target_pieces.push_back(pieces_of(*trg_vocab_, h.ids, h.complete));
      }
    }
  }
  return out;
}

}  // namespace nmt
