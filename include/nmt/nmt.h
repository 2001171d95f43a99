// nmt as a C++ library: load a model directory written by `nmt train` (or several: an
// ensemble) and translate sentences, as `nmt translate` does. This header needs only the
// standard library; link the CMake target nmt::nmt (find_package(nmt)), which brings no other
// dependency into your build.
//
//   nmt::api::Model model("models/dates");
//   for (const auto& result : model.translate({"Tuesday, March 5, 2021"}))
//     std::cout << result.hypotheses.front().text << "\n";
//
// Log lines (what was chosen, each call's speed) go to standard error, through spdlog's default
// logger where the program has set one.
// Errors (a missing model, a bad option, an input longer than the limit) are thrown as
// nmt::api::Error, whose what() is one line naming the file, option or input line.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#define NMT_API __attribute__((visibility("default")))

namespace nmt::api {

class NMT_API Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
  ~Error() override;
};

struct LoadOptions {
  std::vector<std::string> checkpoints;  // none (best.ckpt, else the newest step checkpoint),
                                         // or one file per model directory
  std::string device = "cpu";            // cpu, cuda or cuda:N
  std::string precision = "auto";        // fp32, bf16, int8, or auto: int8 where the CPU has
                                         // VNNI (not for a Transformer decoder), else bf16
                                         // where that is faster, else fp32.
                                         // int8 pays on batches of many sentences; calls of
                                         // one or a few (a service) are faster in fp32
  int workers = 0;                       // searches at once (0: one per usable core, at most 8)
  // CPU threads shared among the workers (0: this process's CPUs). Setting LibTorch's and
  // OpenBLAS's thread counts is process-wide: the last Model loaded sets them.
  int threads = 0;
  bool shortlist = false;  // score only likely target pieces (MODEL/shortlist.tsv): faster
  int64_t shortlist_per_source = 50, shortlist_frequent = 100;
  int64_t max_input_tokens = -1;  // longest input in subwords (-1: 4 x data.max_len; 0: none)
  // The source attention a Result holds: the decoder layer (from 0; negative counts from the
  // last) and head (from 0; -1: the mean of the layer's heads). An RNN decoder has one.
  int64_t attention_layer = -1, attention_head = -1;
};

struct TranslateOptions {
  int beam = 5;            // 1: greedy search
  int nbest = 1;           // hypotheses per sentence, at most beam
  double alpha = 0.6;      // GNMT length penalty exponent
  double max_len_a = 1.5;  // a translation has at most a * |source| + b subwords
  int max_len_b = 10;
  bool attention = false;  // fill Result::attention
  int batch_size = 64;     // sentences per search
};

struct Hypothesis {
  std::string text;                 // detokenised
  std::vector<std::string> pieces;  // its subwords, "</s>" last where it ended
  double score = 0;                 // sum of log-probs / length penalty
};

struct Result {
  std::vector<Hypothesis> hypotheses;      // best first; none for an input with no subwords
  std::vector<std::string> source_pieces;  // the input's subwords, "</s>" last
  // With TranslateOptions::attention: the best hypothesis's attention, one row per target
  // piece, each over source_pieces; empty otherwise.
  std::vector<std::vector<float>> attention;
};

class NMT_API Model {
 public:
  explicit Model(const std::string& model_dir, const LoadOptions& options = {});
  /// An ensemble: the models must share their subword models.
  explicit Model(const std::vector<std::string>& model_dirs, const LoadOptions& options = {});
  ~Model();
  Model(Model&&) noexcept;
  Model& operator=(Model&&) noexcept;

  /// One Result per line, in order. Callable from several threads at once.
  std::vector<Result> translate(const std::vector<std::string>& lines,
                                const TranslateOptions& options = {}) const;

  /// What was chosen where the options said auto, one line each: the precision and why, the
  /// searches at once.
  const std::vector<std::string>& choices() const;

 private:
  struct Loaded;
  std::unique_ptr<Loaded> loaded_;
};

}  // namespace nmt::api
