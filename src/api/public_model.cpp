// include/nmt/nmt.h over the Translator. Compiled into the shared library libnmt.so alone, which
// exports nmt::api and nothing else (cmake/libnmt.map): its users see no LibTorch type, and
// every error reaches them as nmt::api::Error.
#include <spdlog/spdlog.h>
#include <torch/types.h>

#include <mutex>
#include <utility>

#include "api/search_threads.h"
#include "api/translator_loading.h"
#include "common/logging.h"
#include "decode/translator.h"
#include "nmt/nmt.h"

namespace nmt::api {
namespace {

template <typename Function>
auto rethrown_as_api_error(Function&& function) {
  try {
    return function();
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw Error(e.what());
  }
}

// nmt's log lines go to standard error, as the nmt command's do, not to spdlog's stock logger on
// standard output, where the program's own output goes; a program that set spdlog's default
// logger keeps it.
void log_to_standard_error_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (spdlog::default_logger_raw()->name().empty()) init_logging();
  });
}

std::vector<std::vector<float>> attention_rows(const torch::Tensor& attention) {
  std::vector<std::vector<float>> rows;
  if (!attention.defined()) return rows;
  const auto matrix = attention.to(torch::kFloat).contiguous();
  const auto* values = matrix.data_ptr<float>();
  const int64_t columns = matrix.size(1);
  for (int64_t t = 0; t < matrix.size(0); ++t) {
    rows.emplace_back(values + t * columns, values + (t + 1) * columns);
  }
  return rows;
}

Result to_result(const nmt::Translation& translation) {
  Result result;
  result.source_pieces = translation.source_pieces;
  for (size_t k = 0; k < translation.hypotheses.size(); ++k) {
    result.hypotheses.push_back(
        {translation.texts[k], translation.target_pieces[k], translation.hypotheses[k].score});
  }
  if (!translation.hypotheses.empty()) {
    result.attention = attention_rows(translation.hypotheses.front().attention);
  }
  return result;
}

}  // namespace

Error::~Error() = default;

struct Model::Loaded {
  std::unique_ptr<nmt::Translator> translator;
  int workers = 1;
  std::vector<std::string> choices;
};

Model::Model(const std::string& model_dir, const LoadOptions& options)
    : Model(std::vector<std::string>{model_dir}, options) {}

Model::Model(const std::vector<std::string>& model_dirs, const LoadOptions& options) {
  log_to_standard_error_once();
  rethrown_as_api_error([&] {
    if (options.workers < 0 || options.threads < 0) {
      throw Error("nmt::api::LoadOptions: workers and threads must be >= 0");
    }
    TranslatorSettings settings{model_dirs,
                                options.checkpoints,
                                options.device,
                                options.precision,
                                options.shortlist,
                                options.shortlist_per_source,
                                options.shortlist_frequent,
                                options.max_input_tokens};
    settings.attention_layer = options.attention_layer;
    settings.attention_head = options.attention_head;
    auto loaded = load_translator(settings);
    loaded_ = std::make_unique<Loaded>();
    loaded_->translator = std::move(loaded.translator);
    loaded_->choices = std::move(loaded.notes);
    const auto threads =
        share_search_threads(*loaded_->translator, options.threads, options.workers);
    loaded_->workers = threads.workers;
    if (!threads.reason.empty()) loaded_->choices.push_back("workers: " + threads.reason);
    return 0;
  });
}

Model::~Model() = default;
Model::Model(Model&&) noexcept = default;
Model& Model::operator=(Model&&) noexcept = default;

std::vector<Result> Model::translate(const std::vector<std::string>& lines,
                                     const TranslateOptions& options) const {
  return rethrown_as_api_error([&] {
    nmt::SearchOptions search;
    search.beam = options.beam;
    search.nbest = options.nbest;
    search.alpha = options.alpha;
    search.max_len_a = options.max_len_a;
    search.max_len_b = options.max_len_b;
    search.attention = options.attention;
    validate(search);
    if (search.nbest > search.beam) {
      throw Error("nmt::api::TranslateOptions: nbest " + std::to_string(search.nbest) +
                  " is larger than beam " + std::to_string(search.beam));
    }
    if (options.batch_size < 1) throw Error("nmt::api::TranslateOptions: batch_size must be >= 1");
    std::vector<nmt::Translation> translations;
    try {
      translations =
          loaded_->translator->translate(lines, search, options.batch_size, loaded_->workers);
    } catch (const nmt::InputTooLong& e) {
      throw Error("input line " + std::to_string(e.index() + 1) + ": " + e.what());
    }
    std::vector<Result> results;
    for (const auto& translation : translations) results.push_back(to_result(translation));
    return results;
  });
}

const std::vector<std::string>& Model::choices() const { return loaded_->choices; }

}  // namespace nmt::api
