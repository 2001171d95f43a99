// `nmt evaluate`: corpus BLEU and chrF of a hypothesis file (or standard input) against one
// reference, computed as sacreBLEU 2.x does with its default settings; and the alignment error
// rate of attention records (`nmt translate --attention-out`) against gold word alignments.
#include <algorithm>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/commands.h"
#include "common/errors.h"
#include "data/corpus.h"
#include "eval/alignment.h"
#include "eval/bleu.h"
#include "eval/chrf.h"

namespace nmt::cli {
namespace {

using Lines = std::vector<std::string>;

struct EvaluateOptions {
  std::string ref;
  std::string hyp;  // empty: standard input
  std::string metrics = "bleu,chrf";
  std::string align, attention;  // aer: gold alignments, attention records
  bool json = false;
};

// A scored metric as its text line (sacreBLEU's line, two spaces, the signature) and as JSON
// with full-precision values and the raw statistics.
struct MetricResult {
  std::string text;
  nlohmann::json json;
};

MetricResult score_bleu(const Lines& hyps, const Lines& refs) {
  const BleuScore s = corpus_bleu(hyps, refs);
  const std::string signature(kBleuSignature);
  nlohmann::json j = {{"name", "BLEU"},
                      {"score", s.score},
                      {"signature", signature},
                      {"text", format(s)},
                      {"precisions", s.precisions},
                      {"bp", s.brevity_penalty},
                      {"ratio", s.ratio},
                      {"hyp_len", s.stats.hyp_len},
                      {"ref_len", s.stats.ref_len},
                      {"matches", s.stats.matches},
                      {"totals", s.stats.totals}};
  return {format(s) + "  " + signature, std::move(j)};
}

MetricResult score_chrf(const Lines& hyps, const Lines& refs) {
  const ChrfScore s = corpus_chrf(hyps, refs);
  const std::string signature(kChrfSignature);
  nlohmann::json j = {{"name", "chrF" + std::to_string(kChrfBeta)},
                      {"score", s.score},
                      {"signature", signature},
                      {"text", format(s)},
                      {"beta", kChrfBeta},
                      {"char_order", kChrfCharOrder},
                      {"hyp_ngrams", s.stats.hyp},
                      {"ref_ngrams", s.stats.ref},
                      {"matches", s.stats.matches}};
  return {format(s) + "  " + signature, std::move(j)};
}

// AER of every record's argmax links against the gold alignment of its line; the records and
// the gold lines must correspond one to one, and no gold link may lie outside its sentence.
MetricResult score_aer(const EvaluateOptions& opt) {
  if (opt.align.empty() || opt.attention.empty()) {
    throw Error(
        "evaluate: --metrics aer needs --align GOLD (Pharaoh links, one line per "
        "sentence) and --attention FILE (from `nmt translate --attention-out`)");
  }
  const auto counts = corpus_aer(parse_attention_file(read_lines(opt.attention), opt.attention),
                                 read_lines(opt.align), opt.align);
  char text[160];
  std::snprintf(
      text, sizeof text, "AER = %.2f (links %lld, sure %lld, sure hits %lld, possible hits %lld)",
      100 * counts.aer(), static_cast<long long>(counts.links), static_cast<long long>(counts.sure),
      static_cast<long long>(counts.sure_hits), static_cast<long long>(counts.possible_hits));
  nlohmann::json j = {{"name", "AER"},
                      {"score", 100 * counts.aer()},
                      {"text", text},
                      {"links", counts.links},
                      {"sure", counts.sure},
                      {"sure_hits", counts.sure_hits},
                      {"possible_hits", counts.possible_hits}};
  return {text, std::move(j)};
}

// A metric of hypotheses against references, line by line.
struct MetricEntry {
  std::string_view name;
  MetricResult (*score)(const Lines& hyps, const Lines& refs);
};

// Every metric --metrics accepts: these, and "aer".
constexpr MetricEntry kMetrics[] = {{"bleu", score_bleu}, {"chrf", score_chrf}};
constexpr std::string_view kAer = "aer";

// The metric names in a comma-separated list, in its order, each once.
std::vector<std::string> parse_metrics(std::string_view list) {
  std::string known;
  for (const auto& m : kMetrics) known += std::string(m.name) + ", ";
  known += kAer;
  std::vector<std::string> chosen;
  size_t start = 0;
  while (start <= list.size()) {
    const size_t comma = std::min(list.find(',', start), list.size());
    const std::string name(list.substr(start, comma - start));
    start = comma + 1;
    const bool text_metric = std::any_of(std::begin(kMetrics), std::end(kMetrics),
                                         [&](const MetricEntry& m) { return m.name == name; });
    if (!text_metric && name != kAer) {
      throw Error("evaluate: --metrics: unknown metric '" + name + "' (expected one of: " + known +
                  ")");
    }
    if (std::find(chosen.begin(), chosen.end(), name) == chosen.end()) chosen.push_back(name);
  }
  return chosen;
}

// Hypotheses and references, read only if a metric compares them.
struct TextInputs {
  std::string hyp_name;
  Lines hyps, refs;
};

TextInputs read_text_inputs(const EvaluateOptions& opt) {
  if (opt.ref.empty()) throw Error("evaluate: --ref is required for bleu and chrf");
  TextInputs in{opt.hyp.empty() ? "<stdin>" : opt.hyp, {}, read_lines(opt.ref)};
  in.hyps = opt.hyp.empty() ? read_lines(std::cin, in.hyp_name) : read_lines(opt.hyp);
  if (in.hyps.size() != in.refs.size()) {
    throw DataError("evaluate: " + in.hyp_name + " has " + std::to_string(in.hyps.size()) +
                    " lines but " + opt.ref + " has " + std::to_string(in.refs.size()) +
                    " (hypothesis and reference must align line by line)");
  }
  return in;
}

int run_evaluate(const EvaluateOptions& opt) {
  const std::vector<std::string> metrics = parse_metrics(opt.metrics);
  std::optional<TextInputs> text;
  if (std::any_of(metrics.begin(), metrics.end(), [](const auto& m) { return m != kAer; })) {
    text = read_text_inputs(opt);
  }

  nlohmann::json scores = nlohmann::json::object();
  for (const auto& name : metrics) {
    MetricResult result;
    if (name == kAer) {
      result = score_aer(opt);
    } else {
      const auto* m = std::find_if(std::begin(kMetrics), std::end(kMetrics),
                                   [&](const MetricEntry& e) { return e.name == name; });
      result = m->score(text->hyps, text->refs);
    }
    if (opt.json) {
      scores[name] = std::move(result.json);
    } else {
      std::cout << result.text << '\n';
    }
  }
  if (opt.json) {
    nlohmann::json out = {{"metrics", scores}};
    if (text) {
      out["hyp"] = text->hyp_name;
      out["ref"] = opt.ref;
      out["segments"] = text->refs.size();
    }
    if (!opt.align.empty()) {
      out["align"] = opt.align;
      out["attention"] = opt.attention;
    }
    std::cout << out.dump(2) << '\n';
  }
  return 0;
}

}  // namespace

Command add_evaluate_command(CLI::App& app) {
  auto* sub = app.add_subcommand(
      "evaluate",
      "Score translations against a reference: corpus BLEU and chrF as sacreBLEU; and the "
      "alignment error rate of attention against gold alignments");
  auto opt = std::make_shared<EvaluateOptions>();
  sub->add_option("--ref", opt->ref,
                  "Reference file, one segment per line (plain or .gz); for bleu and chrf");
  sub->add_option("--hyp", opt->hyp, "Hypothesis file aligned with --ref (default: stdin)");
  sub->add_option("--metrics", opt->metrics, "Comma-separated metrics: bleu, chrf, aer")
      ->capture_default_str();
  sub->add_option("--align", opt->align,
                  "aer: gold word alignments, one line per sentence: i-j sure, i?j possible links "
                  "(source word i, target word j, from 0)");
  sub->add_option("--attention", opt->attention,
                  "aer: attention records from `nmt translate --attention-out`, over the words "
                  "the gold alignments refer to");
  sub->add_flag("--json", opt->json, "Print JSON with full-precision scores and n-gram counts");
  return {sub, [opt]() { return run_evaluate(*opt); }};
}

}  // namespace nmt::cli
