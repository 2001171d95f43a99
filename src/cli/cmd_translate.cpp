// `nmt translate`: raw text in (file or stdin), detokenised translations out (file or
// stdout) as they are made, one line out per line in; optionally n-best lists and attention
// matrices. Several
// --model flags decode with their ensemble.

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>

#include "api/search_threads.h"
#include "cli/commands.h"
#include "cli/finite_in.h"
#include "cli/translate_progress.h"
#include "common/errors.h"
#include "common/files.h"
#include "data/corpus.h"
#include "data/vocab.h"
#include "decode/translator.h"

namespace nmt::cli {
namespace {

struct TranslateOptions {
  TranslatorSettings models;
  std::string input = "-", output = "-", attention_out;
  SearchOptions search;
  int64_t batch_size = 64;
  int threads = 0;
  int workers = 0;        // 0: by cores (automatic_search_workers)
  bool progress = false;  // the progress line even where standard error is no terminal
};

int run_translate(const TranslateOptions& o) {
  if (o.search.nbest > o.search.beam) {
    throw ConfigError("--nbest " + std::to_string(o.search.nbest) + " is larger than --beam " +
                      std::to_string(o.search.beam) + " (expected --nbest <= --beam)");
  }
  validate(o.search);
  refuse_same_output("--output", o.output, "--attention-out", o.attention_out);
  auto search = o.search;
  search.attention = !o.attention_out.empty();
  const auto translator = load_models(o.models);
  const int workers = choose_search_workers(*translator, o.threads, o.workers);
  // The input is read, translated and written a few batches at a time: a long file shows
  // progress, holds little memory, and stops early when the reader of the output has gone.
  LineReader input(o.input);
  CommandOutput text(o.output);
  std::optional<CommandOutput> attention;
  if (!o.attention_out.empty()) attention.emplace(o.attention_out);
  const auto chunk = static_cast<size_t>(o.batch_size * workers * 16);
  const bool terminal = isatty(STDERR_FILENO) != 0;
  std::optional<TranslateProgress> progress;
  if (o.progress || terminal) progress.emplace(o.input, terminal);
  int64_t line = 0;
  for (auto lines = input.next(chunk); !lines.empty(); lines = input.next(chunk)) {
    std::vector<Translation> translations;
    try {
      translations = translator->translate(lines, search, o.batch_size, workers);
    } catch (const InputTooLong& e) {
      throw DataError(input.name() + ":" + std::to_string(line + 1 + e.index()) + ": " + e.what());
    }
    std::ostringstream out, records;
    for (const auto& r : translations) {
      if (o.search.nbest == 1) {
        out << (r.texts.empty() ? "" : r.texts.front()) << "\n";
      } else {  // Moses n-best format: line ||| translation ||| score
        for (size_t k = 0; k < r.texts.size(); ++k) {
          out << line << " ||| " << r.texts[k] << " ||| " << r.hypotheses[k].score << "\n";
        }
      }
      ++line;
      if (attention) records << to_json_line(best_attention_record(line, r)) << "\n";
    }
    text.write(out.str());
    if (attention) attention->write(records.str());
    if (progress) progress->update(line);
  }
  if (progress) progress->finish();
  text.finish();
  if (attention) attention->finish();
  return 0;
}

}  // namespace

void add_model_options(CLI::App* sub, TranslatorSettings& models) {
  sub->add_option("--model", models.model_dirs,
                  "Model directory written by `nmt train`; repeated: an ensemble of the models")
      ->required();
  sub->add_option("--checkpoint", models.checkpoints,
                  "Checkpoint file (default: best.ckpt, else the newest step checkpoint); for an "
                  "ensemble, once per --model in the same order");
  add_device_option(sub, models.device);
  add_max_input_tokens_option(sub, models.max_input_tokens);
  add_precision_option(sub, models.precision);
  add_attention_view_options(sub, models.attention_layer, models.attention_head);
  sub->add_flag("--shortlist", models.shortlist,
                "Score only the target pieces likely for each batch's source, from "
                "MODEL/shortlist.tsv (`nmt shortlist`): faster, may change translations");
  sub->add_option("--shortlist-per-source", models.shortlist_per_source,
                  "With --shortlist: translations taken per source piece")
      ->check(CLI::Range(0, 100000))
      ->capture_default_str();
  sub->add_option("--shortlist-frequent", models.shortlist_frequent,
                  "With --shortlist: most frequent target pieces always taken")
      ->check(CLI::Range(0, 1000000))
      ->capture_default_str();
}

void add_attention_view_options(CLI::App* sub, int64_t& layer, int64_t& head) {
  sub->add_option("--attention-layer", layer,
                  "Decoder layer whose source attention is written and shown (from 0; negative "
                  "counts from the last); an RNN decoder has one")
      ->capture_default_str();
  sub->add_option("--attention-head", head,
                  "Head of that layer's attention (from 0), or -1 for the mean of its heads")
      ->capture_default_str();
}

void add_precision_option(CLI::App* sub, std::string& precision) {
  sub->add_option("--precision", precision,
                  "Precision of the matmuls: fp32, bf16 (fp32 weights, bf16 products), int8 "
                  "(weights quantized per row, activations per call) or auto (int8 where the "
                  "CPU has VNNI, but not for nmt serve nor a Transformer decoder; else bf16 "
                  "where it has AVX512-BF16 or AMX-BF16 and may use every core, else fp32)")
      ->check(CLI::IsMember({"fp32", "bf16", "int8", "auto"}))
      ->capture_default_str();
}

std::unique_ptr<Translator> load_models(const TranslatorSettings& models) {
  auto loaded = load_translator(models);
  for (const auto& note : loaded.notes) spdlog::info("[translate] {}", note);
  return std::move(loaded.translator);
}

int choose_search_workers(const Translator& translator, int threads, int requested) {
  const auto chosen = share_search_threads(translator, threads, requested);
  if (chosen.reduced) {
    spdlog::warn("[translate] --workers {}: {}", requested, chosen.reason);
  } else if (!chosen.reason.empty()) {
    spdlog::info("[translate] {}", chosen.reason);
  }
  return chosen.workers;
}

void add_max_input_tokens_option(CLI::App* sub, int64_t& max_input_tokens) {
  sub->add_option("--max-input-tokens", max_input_tokens,
                  "Longest input line in subword tokens; a longer one is refused with an error "
                  "naming it (default: 4 x the model's data.max_len; 0: no limit)")
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 40));
}

void add_device_option(CLI::App* sub, std::string& device) {
  sub->add_option("--device", device, "Where the model runs: cpu, cuda or cuda:N")
      ->capture_default_str();
}

Command add_translate_command(CLI::App& app) {
  auto o = std::make_shared<TranslateOptions>();
  auto* sub = app.add_subcommand("translate", "Translate text with a trained model");
  add_model_options(sub, o->models);
  sub->add_option("--input", o->input, "Input text file, or - for standard input");
  sub->add_option("--output", o->output, "Output file, or - for standard output");
  sub->add_option("--beam", o->search.beam, "Beam size (1: greedy search)")
      ->check(CLI::Range(1, 1000));
  sub->add_option("--alpha", o->search.alpha, "GNMT length penalty exponent")
      ->check(finite_in(0, 10));
  sub->add_option("--max-len-a", o->search.max_len_a, "Output length limit a*|src|+b: a")
      ->check(finite_in(0, 100));
  sub->add_option("--max-len-b", o->search.max_len_b, "Output length limit a*|src|+b: b")
      ->check(CLI::Range(0, 10000));
  sub->add_option("--nbest", o->search.nbest,
                  "Hypotheses per sentence (<= --beam); >1 prints `line ||| text ||| score` lines")
      ->check(CLI::Range(1, 1000));
  sub->add_option("--batch-size", o->batch_size, "Sentences per batch")
      ->check(CLI::Range(1, 100000));
  sub->add_option("--threads", o->threads, "CPU threads (0: LibTorch's default)")
      ->check(CLI::Range(0, 1024));
  sub->add_option("--workers", o->workers,
                  "Batches searched at once, each on --threads / N threads; the translations "
                  "are the same for every N (0: one per core, at most 8)")
      ->check(CLI::Range(0, 256))
      ->capture_default_str();
  sub->add_option("--attention-out", o->attention_out,
                  "Write source/target pieces and attention per line as JSON lines");
  sub->add_flag("--progress", o->progress,
                "Report sentences done, sentences/s and the time left on standard error, as "
                "it does anyway when that is a terminal");
  o->search.beam = 5;
  return {sub, [o] { return run_translate(*o); }};
}

}  // namespace nmt::cli
