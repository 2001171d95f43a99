// A trained model ready to translate raw text: loads the checkpoint, its config and subword
// models from a model directory, and translates lines in length-sorted batches.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/config.h"
#include "decode/search.h"
#include "model/seq2seq.h"

namespace nmt {

class Vocab;

/// One input line's result; `hypotheses` is empty for an input with no subwords.
struct Translation {
  std::vector<std::string> source_pieces;  // subword pieces of the input, "</s>" included
  std::vector<Hypothesis> hypotheses;      // best first
  std::vector<std::string> texts;          // detokenised text of each hypothesis
  std::vector<std::vector<std::string>> target_pieces;  // pieces of each, "</s>" if complete
};

class Translator {
 public:
  /// Loads `checkpoint` (default: model_dir/best.ckpt, else the newest step checkpoint).
  /// Throws Error naming the file on a missing or unreadable model.
  Translator(const std::string& model_dir, const std::string& checkpoint = "");
  ~Translator();

  std::vector<Translation> translate(const std::vector<std::string>& lines,
                                     const SearchOptions& options, int64_t batch_size);

  const Config& config() const { return config_; }
  const std::string& checkpoint() const { return checkpoint_; }

 private:
  Config config_;
  std::string checkpoint_;
  std::shared_ptr<Vocab> src_vocab_, trg_vocab_;
  Seq2Seq model_{nullptr};
};

}  // namespace nmt
