// A trained model ready to translate raw text: loads the checkpoint, its config and subword
// models from a model directory, and translates lines in length-sorted batches.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/config.h"
#include "decode/search.h"
#include "eval/attention_record.h"
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

/// The attention record of a translation's best hypothesis, as input line `line` (1-based).
AttentionRecord best_attention_record(int64_t line, const Translation& translation);

class Translator {
 public:
  /// Loads `checkpoint` (default: model_dir/best.ckpt, else the newest step checkpoint).
  /// Throws Error naming the file on a missing or unreadable model.
  Translator(const std::string& model_dir, const std::string& checkpoint = "");
  ~Translator();

  std::vector<Translation> translate(const std::vector<std::string>& lines,
                                     const SearchOptions& options, int64_t batch_size);

  /// The model reading each reference after its source (teacher forcing): one hypothesis per
  /// line whose ids are the reference's pieces, complete, with the sum of their log-probs
  /// (</s> included, no length penalty) as score and the attention the model gave each of
  /// them. Throws Error if the line counts differ.
  std::vector<Translation> force(const std::vector<std::string>& sources,
                                 const std::vector<std::string>& references, int64_t batch_size);

  int64_t parameters() const;
  const Config& config() const { return config_; }
  const std::string& checkpoint() const { return checkpoint_; }

 private:
  Config config_;
  std::string checkpoint_;
  std::shared_ptr<Vocab> src_vocab_, trg_vocab_;
  Seq2Seq model_{nullptr};
};

}  // namespace nmt
