// libnmt_sentencepiece.so: SentencePiece behind the SentencePieceModel interface. Built as
// its own shared module and opened by libnmt (see data/sentencepiece_backend.h for why).
#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>

#include "data/sentencepiece_backend.h"

namespace {

class Model : public nmt::SentencePieceModel {
 public:
  std::vector<int> encode(std::string_view text) const override {
    std::vector<int> ids;
    processor.Encode(text, &ids).IgnoreError();
    return ids;
  }
  std::vector<std::string> encode_pieces(std::string_view text) const override {
    std::vector<std::string> pieces;
    processor.Encode(text, &pieces).IgnoreError();
    return pieces;
  }
  std::string decode(const std::vector<int>& ids) const override {
    std::string text;
    processor.Decode(ids, &text).IgnoreError();
    return text;
  }
  std::string piece(int id) const override { return processor.IdToPiece(id); }
  int size() const override { return processor.GetPieceSize(); }

  sentencepiece::SentencePieceProcessor processor;
};

// Feeds the trainer from in-memory corpora, skipping empty lines.
class CorpusIterator : public sentencepiece::SentenceIterator {
 public:
  explicit CorpusIterator(const nmt::TrainingCorpora& corpora) : corpora_(corpora) { skip_empty(); }
  bool done() const override { return corpus_ >= corpora_.size(); }
  void Next() override {
    ++line_;
    skip_empty();
  }
  const std::string& value() const override { return (*corpora_[corpus_])[line_]; }
  sentencepiece::util::Status status() const override { return {}; }

 private:
  void skip_empty() {
    while (corpus_ < corpora_.size()) {
      const auto& lines = *corpora_[corpus_];
      while (line_ < lines.size() && lines[line_].empty()) ++line_;
      if (line_ < lines.size()) return;
      ++corpus_;
      line_ = 0;
    }
  }
  const nmt::TrainingCorpora& corpora_;
  size_t corpus_ = 0, line_ = 0;
};

}  // namespace

extern "C" __attribute__((visibility("default"))) nmt::SentencePieceModel* nmt_open_sentencepiece(
    const char* path, std::string* error) {
  auto model = std::make_unique<Model>();
  const auto status = model->processor.Load(path);
  if (!status.ok()) {
    *error = status.ToString();
    return nullptr;
  }
  return model.release();
}

extern "C" __attribute__((visibility("default"))) bool nmt_train_sentencepiece(
    const std::unordered_map<std::string, std::string>* options,
    const nmt::TrainingCorpora* corpora, std::string* model_proto, std::string* error) {
  CorpusIterator iterator(*corpora);
  const auto status = sentencepiece::SentencePieceTrainer::Train(*options, &iterator, model_proto);
  if (!status.ok()) *error = status.ToString();
  return status.ok();
}
