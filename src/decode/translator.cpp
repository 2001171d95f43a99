#include "decode/translator.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <chrono>
#include <filesystem>

#include "common/errors.h"
#include "data/vocab.h"
#include "decode/sentence_search.h"
#include "model/checkpoint.h"

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

// Model time only (no reading, subwords or writing), as the benchmarks compare it.
void log_search_speed(const std::vector<std::vector<Hypothesis>>& results, double seconds) {
  int64_t output_tokens = 0;  // of the best hypotheses, </s> included where they have one
  for (const auto& r : results) {
    if (r.empty()) continue;
    output_tokens += static_cast<int64_t>(r.front().ids.size()) + (r.front().complete ? 1 : 0);
  }
  spdlog::info(
      "[translate] {} sentences, {} output tokens, {:.2f} s of search ({:.1f} "
      "sentences/s)",
      results.size(), output_tokens, seconds,
      seconds > 0 ? static_cast<double>(results.size()) / seconds : 0.0);
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
                                               const SearchOptions& options, int64_t batch_size) {
  std::vector<std::vector<int>> ids;
  for (const auto& line : lines) ids.push_back(src_vocab_->encode(line));
  const auto start = std::chrono::steady_clock::now();
  auto results = search_sentences(*model_, ids, options, batch_size);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  log_search_speed(results, seconds);
  std::vector<Translation> out(lines.size());
  for (size_t i = 0; i < lines.size(); ++i) {
    auto& t = out[i];
    if (ids[i].empty()) continue;
    t.source_pieces = pieces_of(*src_vocab_, {ids[i].begin(), ids[i].end()}, true);
    t.hypotheses = std::move(results[i]);
    for (const auto& h : t.hypotheses) {
      t.texts.push_back(trg_vocab_->decode({h.ids.begin(), h.ids.end()}));
      t.target_pieces.push_back(pieces_of(*trg_vocab_, h.ids, h.complete));
    }
  }
  return out;
}

}  // namespace nmt
