// `nmt shortlist`: learns a model's lexical shortlist (data/lexicon.h: IBM Model 1 over its
// training data, in its subwords) into DIR/shortlist.tsv, which `nmt translate --shortlist` and
// `nmt serve --shortlist` read.
#include <spdlog/spdlog.h>

#include <chrono>
#include <memory>

#include "cli/commands.h"
#include "common/files.h"
#include "data/corpus.h"
#include "data/lexicon.h"
#include "data/vocab.h"
#include "decode/shortlist.h"
#include "decode/translator.h"

namespace nmt::cli {
namespace {

struct ShortlistCommandOptions {
  std::string model_dir, train;
  LexiconOptions lexicon;
};

std::vector<std::vector<int>> encode_all(const Vocab& vocab,
                                         const std::vector<std::string>& lines) {
  std::vector<std::vector<int>> ids;
  ids.reserve(lines.size());
  for (const auto& line : lines) ids.push_back(vocab.encode(line));
  return ids;
}

int run_shortlist(const ShortlistCommandOptions& o) {
  const auto start = std::chrono::steady_clock::now();
  const Translator translator(o.model_dir);
  const auto& data = translator.config().data;
  const auto corpus = o.train.empty() ? read_parallel(data.train, data.src, data.trg,
                                                      "data.train of the model's config")
                                      : read_parallel(o.train, data.src, data.trg, "--train");
  const auto& src_vocab = translator.source_vocab();
  const auto& trg_vocab = translator.target_vocab();
  const auto lexicon =
      train_lexicon(encode_all(src_vocab, corpus.src), encode_all(trg_vocab, corpus.trg),
                    src_vocab.size(), trg_vocab.size(), o.lexicon);
  const auto path = shortlist_path(o.model_dir);
  write_file_atomic(path, lexicon_text(lexicon, src_vocab, trg_vocab));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  spdlog::info("[shortlist] {} sentence pairs of {} and {}, {} EM iterations, {:.1f} s -> {}",
               corpus.size(), corpus.src_file, corpus.trg_file, o.lexicon.iterations, seconds,
               path);
  return 0;
}

}  // namespace

Command add_shortlist_command(CLI::App& app) {
  auto o = std::make_shared<ShortlistCommandOptions>();
  auto* sub = app.add_subcommand(
      "shortlist",
      "Learn a model's lexical shortlist (IBM Model 1 over its training data) into "
      "MODEL/shortlist.tsv, for `translate --shortlist`");
  sub->add_option("--model", o->model_dir, "Model directory written by `nmt train`")->required();
  sub->add_option("--train", o->train,
                  "Parallel corpus prefix (PREFIX.<src>, PREFIX.<trg>; default: the model's "
                  "data.train)");
  sub->add_option("--iterations", o->lexicon.iterations, "EM iterations of IBM Model 1")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  sub->add_option("--keep", o->lexicon.per_source,
                  "Translations kept per source piece in the file (the most --shortlist-per-source "
                  "can take)")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  return {sub, [o] { return run_shortlist(*o); }};
}

}  // namespace nmt::cli
