#include "decode/translator.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <atomic>
#include <chrono>
#include <exception>
#include <filesystem>
#include <mutex>
#include <thread>

#include "common/errors.h"
#include "common/files.h"
#include "common/int8_matmuls.h"
#include "common/precision.h"
#include "data/batch.h"
#include "data/vocab.h"
#include "decode/ensemble_scorer.h"
#include "decode/model_scorer.h"
#include "decode/sentence_search.h"
#include "decode/shortlist.h"
#include "model/checkpoint.h"
#include "model/cpu_autocast.h"

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

// The checkpoint file of each model: `checkpoints` given, or each model_dir's default.
std::vector<std::string> checkpoint_paths(const std::vector<std::string>& model_dirs,
                                          const std::vector<std::string>& checkpoints) {
  if (model_dirs.empty()) throw Error("--model: no model given");
  if (!checkpoints.empty() && checkpoints.size() != model_dirs.size()) {
    throw Error("--checkpoint is given " + std::to_string(checkpoints.size()) +
                " times and --model " + std::to_string(model_dirs.size()) +
                " (expected no --checkpoint, or one per --model in the same order)");
  }
  std::vector<std::string> paths;
  for (size_t i = 0; i < model_dirs.size(); ++i) {
    const auto& given = checkpoints.empty() ? std::string() : checkpoints[i];
    paths.push_back(given.empty() ? default_checkpoint(model_dirs[i]) : given);
  }
  return paths;
}

std::vector<std::string> pieces_of(const Vocab& vocab, const std::vector<int64_t>& ids,
                                   bool with_eos) {
  std::vector<std::string> pieces;
  for (int64_t id : ids) pieces.push_back(vocab.piece(static_cast<int>(id)));
  if (with_eos) pieces.push_back("</s>");
  return pieces;
}

// Building a model draws its first weights from LibTorch's global generator before the checkpoint
// replaces them: the caller's random stream is put back as it was while this lives.
class GlobalRandomStreamKept {
 public:
  GlobalRandomStreamKept() : generator_(at::detail::getDefaultCPUGenerator()) {
    std::lock_guard<std::mutex> lock(generator_.mutex());
    state_ = generator_.get_state();
  }
  ~GlobalRandomStreamKept() {
    std::lock_guard<std::mutex> lock(generator_.mutex());
    generator_.set_state(state_);
  }
  GlobalRandomStreamKept(const GlobalRandomStreamKept&) = delete;
  GlobalRandomStreamKept& operator=(const GlobalRandomStreamKept&) = delete;

 private:
  at::Generator generator_;
  at::Tensor state_;
};

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

// Throws InputTooLong for the first of `ids` longer than `limit` (0: no limit).
void check_lengths(const std::vector<std::vector<int>>& ids, int64_t limit,
                   bool references = false) {
  if (limit <= 0) return;
  for (size_t i = 0; i < ids.size(); ++i) {
    const auto tokens = static_cast<int64_t>(ids[i].size());
    if (tokens > limit) throw InputTooLong(i, tokens, limit, references);
  }
}

// The precision of the matmuls on this thread, for the span of the object.
class MatmulPrecision {
 public:
  MatmulPrecision(Precision precision, Int8Weights* int8)
      : bf16_(precision == Precision::bf16), int8_(precision == Precision::int8 ? int8 : nullptr) {}

 private:
  CpuBf16Autocast bf16_;
  Int8Scope int8_;
};

}  // namespace

AttentionRecord best_attention_record(int64_t line, const Translation& t) {
  AttentionRecord r;
  r.line = line;
  r.source = t.source_pieces;
  if (t.hypotheses.empty()) return r;
  const auto& best = t.hypotheses.front();
  const auto weights = best.attention.contiguous();  // [T, S]
  r.weights.resize(static_cast<size_t>(weights.size(0)));
  for (int64_t row = 0; row < weights.size(0); ++row) {
    const float* w = weights[row].data_ptr<float>();
    r.weights[static_cast<size_t>(row)].assign(w, w + weights.size(1));
  }
  r.target = t.target_pieces.front();
  r.translation = t.texts.front();
  r.score = best.score;
  return r;
}

InputTooLong::InputTooLong(size_t index, int64_t tokens, int64_t limit, bool reference)
    : Error(std::to_string(tokens) + " subword tokens, more than the " + std::to_string(limit) +
            " a translation may read (--max-input-tokens)"),
      index_(index),
      reference_(reference) {}

Translator::Translator(const std::string& model_dir, const std::string& checkpoint,
                       const torch::Device& device)
    : Translator(std::vector<std::string>{model_dir}, std::vector<std::string>{checkpoint},
                 device) {}

Translator::Translator(const std::vector<std::string>& model_dirs,
                       const std::vector<std::string>& checkpoints, const torch::Device& device,
                       Precision precision)
    : device_(device), precision_(precision) {
  const auto paths = checkpoint_paths(model_dirs, checkpoints);
  if (precision == Precision::int8) {
    if (device.is_cuda()) throw Error("--precision int8 is implemented for the CPU only");
    int8_weights_ = std::make_unique<Int8Weights>();
  }
  std::vector<TrainingProgress> progresses;
  std::vector<Config> configs;
  for (const auto& path : paths) {
    progresses.push_back(checkpoint_progress(path));
    configs.push_back(parse_config(progresses.back().config_yaml, path));
  }
  // Every model reads the first model's subwords: an ensemble reads one source and scores one
  // target vocabulary, and a --checkpoint of another model would read them as its own.
  const auto first_files = subword_model_files(configs.front().data, model_dirs.front());
  for (size_t i = 0; i < paths.size(); ++i) {  // every check before any model is built
    require_trained_with(paths[i], progresses[i], configs[i].data, first_files);
  }
  config_ = configs.front();
  max_input_tokens_ = 4 * config_.data.max_len;
  checkpoints_ = paths;
  src_vocab_ = std::make_shared<Vocab>(first_files.front());
  trg_vocab_ = first_files.size() > 1 ? std::make_shared<Vocab>(first_files.back()) : src_vocab_;
  const GlobalRandomStreamKept random_stream;
  for (size_t i = 0; i < paths.size(); ++i) {
    models_.emplace_back(configs[i].model, src_vocab_->size(), trg_vocab_->size());
    load_checkpoint(paths[i], *models_.back(), nullptr);
    models_.back()->to(device_);
    models_.back()->eval();
  }
  if (models_.size() > 1) spdlog::info("[translate] an ensemble of {} models", models_.size());
}

Translator::~Translator() = default;

std::vector<Config> trained_configs(const std::vector<std::string>& model_dirs,
                                    const std::vector<std::string>& checkpoints) {
  std::vector<Config> configs;
  for (const auto& path : checkpoint_paths(model_dirs, checkpoints)) {
    configs.push_back(parse_config(checkpoint_config(path), path));
  }
  return configs;
}

void Translator::check_input_lengths(const std::vector<std::string>& lines) const {
  std::vector<std::vector<int>> ids;
  for (const auto& line : lines) ids.push_back(src_vocab_->encode(line));
  check_lengths(ids, max_input_tokens_);
}

void Translator::use_shortlist(std::shared_ptr<const Shortlist> shortlist) {
  const std::lock_guard<std::mutex> lock(idle_mutex_);
  shortlist_ = std::move(shortlist);
  idle_scorers_.clear();  // made with the shortlist before
}

std::unique_ptr<Scorer> Translator::make_scorer() {
  std::vector<std::unique_ptr<Scorer>> members;
  for (auto& model : models_) {
    members.push_back(std::make_unique<ModelScorer>(*model, shortlist_.get()));
  }
  if (members.size() == 1) return std::move(members.front());
  return std::make_unique<EnsembleScorer>(std::move(members));
}

std::unique_ptr<Scorer> Translator::take_scorer() {
  {
    const std::lock_guard<std::mutex> lock(idle_mutex_);
    if (!idle_scorers_.empty()) {
      auto scorer = std::move(idle_scorers_.back());
      idle_scorers_.pop_back();
      return scorer;
    }
  }
  return make_scorer();
}

void Translator::give_back(std::unique_ptr<Scorer> scorer) {
  const std::lock_guard<std::mutex> lock(idle_mutex_);
  idle_scorers_.push_back(std::move(scorer));
}

std::vector<std::vector<Hypothesis>> Translator::search_on_workers(
    const std::vector<std::vector<int>>& ids, const SearchOptions& options, int64_t batch_size,
    int64_t workers) {
  const auto batches = length_sorted_batches(ids, batch_size);
  std::vector<std::vector<Hypothesis>> out(ids.size());
  std::atomic<size_t> taken{0};
  std::mutex failure;
  std::exception_ptr error;
  const auto work = [&] {
    try {
      at::init_num_threads();
      const MatmulPrecision matmuls(precision_, int8_weights_.get());  // per thread
      auto scorer = take_scorer();
      // Longest batches first, so that the last ones to start are short.
      for (size_t k = taken++; k < batches.size(); k = taken++) {
        search_batch(*scorer, ids, batches[batches.size() - 1 - k], options, out);
      }
      give_back(std::move(scorer));
    } catch (...) {
      const std::lock_guard<std::mutex> lock(failure);
      if (!error) error = std::current_exception();
      taken = batches.size();  // the other workers stop after their batch
    }
  };
  std::vector<std::thread> threads;
  for (int64_t w = 0; w < workers; ++w) threads.emplace_back(work);
  for (auto& thread : threads) thread.join();
  if (error) std::rethrow_exception(error);
  return out;
}

int64_t Translator::usable_workers(int64_t requested) const {
  return worker_limit().empty() ? requested : 1;
}

std::string Translator::worker_limit() const {
  if (precision_ == Precision::bf16 && bf16_confined_to_one_thread()) {
    const int v = onednn_version();
    return fmt::format(
        "bf16 with this LibTorch's oneDNN {}.{}.{} fails on more than one thread (oneDNN 2.7.1 "
        "or later lifts this; fp32 has no such limit)",
        v / 10000, v / 100 % 100, v % 100);
  }
  // Measured on an AVX2-only EPYC with Debian's oneDNN 2.6.3: two int8 searches at once changed
  // 18-95 of 1,000 greedy test2016 translations from run to run; one search, on one or two
  // threads, gave the same output every time (bench/RESULTS.md).
  if (precision_ == Precision::int8 && !cpu_has_vnni()) {
    return "int8 searches at once on a CPU without VNNI give translations that change from run "
           "to run (fp32 has no such limit)";
  }
  return "";
}

std::vector<Translation> Translator::translate(const std::vector<std::string>& lines,
                                               const SearchOptions& options, int64_t batch_size,
                                               int64_t workers) {
  std::vector<std::vector<int>> ids;
  for (const auto& line : lines) ids.push_back(src_vocab_->encode(line));
  check_lengths(ids, max_input_tokens_);
  const auto start = std::chrono::steady_clock::now();
  auto results = [&] {
    if (usable_workers(workers) > 1) {
      return search_on_workers(ids, options, batch_size, workers);
    }
    const MatmulPrecision matmuls(precision_, int8_weights_.get());
    auto scorer = take_scorer();
    auto found = search_sentences(*scorer, ids, options, batch_size);
    give_back(std::move(scorer));
    return found;
  }();
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

std::vector<Translation> Translator::force(const std::vector<std::string>& sources,
                                           const std::vector<std::string>& references,
                                           int64_t batch_size) {
  if (sources.size() != references.size()) {
    throw Error("the source has " + std::to_string(sources.size()) + " lines and the reference " +
                std::to_string(references.size()) +
                " (expected one reference line per source line)");
  }
  if (batch_size < 1) throw Error("force: batch_size must be at least 1");
  if (models_.size() != 1) {
    throw Error("force: reads with one model, not an ensemble of " +
                std::to_string(models_.size()));
  }
  auto& model = *models_.front();
  EncodedCorpus pairs;
  std::vector<int64_t> readable;  // lines with a source to read
  for (size_t i = 0; i < sources.size(); ++i) {
    pairs.src.push_back(src_vocab_->encode(sources[i]));
    pairs.trg.push_back(trg_vocab_->encode(references[i]));
    if (!pairs.src.back().empty()) readable.push_back(static_cast<int64_t>(i));
  }
  check_lengths(pairs.src, max_input_tokens_);
  check_lengths(pairs.trg, max_input_tokens_, true);
  std::vector<Translation> out(sources.size());
  torch::NoGradGuard no_grad;
  const MatmulPrecision matmuls(precision_, int8_weights_.get());
  for (size_t first = 0; first < readable.size(); first += static_cast<size_t>(batch_size)) {
    const std::vector<int64_t> rows(
        readable.begin() + static_cast<std::ptrdiff_t>(first),
        readable.begin() + static_cast<std::ptrdiff_t>(
                               std::min(readable.size(), first + static_cast<size_t>(batch_size))));
    const Batch batch = make_batch(pairs, rows).to(device_);
    const auto output = model.forward(batch.src, batch.src_lengths, batch.trg_in);
    const auto log_probs = torch::log_softmax(output.logits.to(torch::kFloat64), -1)
                               .gather(-1, batch.trg_out.unsqueeze(-1))
                               .squeeze(-1)
                               .cpu();  // [B, T]; padding is cut off below
    const auto weights = output.weights.to(torch::kCPU, torch::kFloat32);
    for (size_t b = 0; b < rows.size(); ++b) {
      const auto line = static_cast<size_t>(rows[b]);
      const auto row = static_cast<int64_t>(b);
      const auto& y = pairs.trg[line];
      const auto length = static_cast<int64_t>(y.size()) + 1;  // </s> included
      const auto src_length = static_cast<int64_t>(pairs.src[line].size()) + 1;
      Hypothesis h;
      h.ids.assign(y.begin(), y.end());
      h.complete = true;
      h.score = log_probs[row].slice(0, 0, length).sum().item<double>();
      h.attention = weights[row].slice(0, 0, length).slice(1, 0, src_length).contiguous();
      auto& t = out[line];
      t.source_pieces =
          pieces_of(*src_vocab_, {pairs.src[line].begin(), pairs.src[line].end()}, true);
      t.texts.push_back(references[line]);
      t.target_pieces.push_back(pieces_of(*trg_vocab_, h.ids, true));
      t.hypotheses.push_back(std::move(h));
    }
  }
  return out;
}

void Translator::show_attention(const AttentionView& view) {
  for (auto& m : models_) m->decoder().show_attention(view);
}

int64_t Translator::parameters() const {
  int64_t total = 0;
  for (const auto& m : models_) total += parameter_count(*m);
  return total;
}

}  // namespace nmt
