// A trained model, or an ensemble of them, ready to translate raw text: loads each checkpoint,
// its config and subword models from a model directory, and translates lines in length-sorted
// batches.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/config.h"
#include "common/errors.h"
#include "common/precision.h"
#include "decode/search.h"
#include "eval/attention_record.h"
#include "model/seq2seq.h"

namespace nmt {

class Int8Weights;
class Scorer;
class Shortlist;
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

/// An input of more subword tokens than the Translator accepts; what() says how many and the
/// limit, and callers add where the input came from.
class InputTooLong : public Error {
 public:
  InputTooLong(size_t index, int64_t tokens, int64_t limit, bool reference = false);
  size_t index() const { return index_; }        // of the line in the lines given
  bool reference() const { return reference_; }  // force's reference rather than its source

 private:
  size_t index_;
  bool reference_;
};

/// The config each model of `model_dirs` was trained with, read from the checkpoint a Translator
/// would load (`checkpoints` as it takes them) without building a model. Throws Error as the
/// Translator does for a missing or unreadable model.
std::vector<Config> trained_configs(const std::vector<std::string>& model_dirs,
                                    const std::vector<std::string>& checkpoints);

class Translator {
 public:
  /// Loads `checkpoint` (default: model_dir/best.ckpt, else the newest step checkpoint) onto
  /// `device` (resolve_device), where its searches run. Throws Error naming the file on a
  /// missing or unreadable model.
  explicit Translator(const std::string& model_dir, const std::string& checkpoint = "",
                      const torch::Device& device = torch::kCPU);
  /// An ensemble of the models in `model_dirs` (one model: as above), with `checkpoints` empty
  /// or one per model ("" for the default). The models must share their subword models (the
  /// target's for one next-token distribution, the source's for one source to attend over):
  /// throws Error naming the files that differ.
  /// `precision` is that of the matmuls of every search and forced reading (choose_precision).
  Translator(const std::vector<std::string>& model_dirs,
             const std::vector<std::string>& checkpoints, const torch::Device& device = torch::kCPU,
             Precision precision = Precision::fp32);
  ~Translator();

  /// From now on every search scores only each batch's shortlist of target pieces
  /// (decode/shortlist.h): faster, and not always the translation of the whole vocabulary.
  void use_shortlist(std::shared_ptr<const Shortlist> shortlist);

  /// Inputs of more than `max_tokens` subword tokens are refused from now on (0: none are):
  /// a search's time and memory grow with its input, and one endless line would hold a
  /// translator or a server for minutes. The default is 4 x the model's data.max_len.
  void limit_input_tokens(int64_t max_tokens) { max_input_tokens_ = max_tokens; }
  int64_t max_input_tokens() const { return max_input_tokens_; }
  /// Throws InputTooLong for the first of `lines` that is longer than the limit.
  void check_input_lengths(const std::vector<std::string>& lines) const;

  /// How many threads may search at once: `requested`, or 1 where worker_limit() says why.
  int64_t usable_workers(int64_t requested) const;

  /// Why this precision searches on one thread here, or "": bf16 on a oneDNN that confines bf16
  /// work to one thread (model/cpu_autocast.h), int8 on a CPU without VNNI.
  std::string worker_limit() const;

  /// With usable_workers(`workers`) > 1, that many threads search whole batches at once, each with
  /// state of its own over the shared models, and each with LibTorch's thread count (set it to the
  /// cores / workers first). The batches, and so the translations, are those of one worker.
  /// Throws InputTooLong (check_input_lengths) before searching anything.
  /// Callable from several threads at once: each call searches with state of its own.
  std::vector<Translation> translate(const std::vector<std::string>& lines,
                                     const SearchOptions& options, int64_t batch_size,
                                     int64_t workers = 1);

  /// The model reading each reference after its source (teacher forcing): one hypothesis per
  /// line whose ids are the reference's pieces, complete, with the sum of their log-probs
  /// (</s> included, no length penalty) as score and the attention the model gave each of
  /// them. Throws Error if the line counts differ, or for an ensemble, and InputTooLong for a
  /// source or reference longer than the limit.
  std::vector<Translation> force(const std::vector<std::string>& sources,
                                 const std::vector<std::string>& references, int64_t batch_size);

  /// Which source attention every search and forced reading reports (decoder layer and head,
  /// model/decoder.h) from now on; throws Error naming the option a model cannot show.
  void show_attention(const AttentionView& view);

  int64_t parameters() const;                       // summed over an ensemble's models
  const Config& config() const { return config_; }  // the (first) model's
  const std::vector<std::string>& checkpoints() const { return checkpoints_; }
  const Vocab& source_vocab() const { return *src_vocab_; }
  const Vocab& target_vocab() const { return *trg_vocab_; }

 private:
  std::unique_ptr<Scorer> make_scorer();  // search state over models_, one per searching thread
  std::unique_ptr<Scorer> take_scorer();  // an idle one, or a new one
  void give_back(std::unique_ptr<Scorer> scorer);
  std::vector<std::vector<Hypothesis>> search_on_workers(const std::vector<std::vector<int>>& ids,
                                                         const SearchOptions& options,
                                                         int64_t batch_size, int64_t workers);

  Config config_;
  std::vector<std::string> checkpoints_;
  std::shared_ptr<Vocab> src_vocab_, trg_vocab_;
  torch::Device device_;
  Precision precision_;
  std::unique_ptr<Int8Weights> int8_weights_;  // of every model, with Precision::int8
  std::vector<Seq2Seq> models_;
  std::shared_ptr<const Shortlist> shortlist_;
  int64_t max_input_tokens_ = 0;
  std::mutex idle_mutex_;
  std::vector<std::unique_ptr<Scorer>> idle_scorers_;
};

}  // namespace nmt
