// `nmt evaluate`: corpus BLEU and chrF of a hypothesis file (or standard input) against one
// reference, computed as sacreBLEU 2.x does with its default settings.
#include <algorithm>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "cli/commands.h"
#include "common/errors.h"
#include "data/corpus.h"
#include "eval/bleu.h"
#include "eval/chrf.h"

namespace nmt::cli {
namespace {

using Lines = std::vector<std::string>;

struct EvaluateOptions {
  std::string ref;
  std::string hyp;  // empty: standard input
  std::string metrics = "bleu,chrf";
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

struct MetricEntry {
  std::string_view name;
  MetricResult (*score)(const Lines& hyps, const Lines& refs);
};

// Every metric --metrics accepts.
constexpr MetricEntry kMetrics[] = {{"bleu", score_bleu}, {"chrf", score_chrf}};

// The entries named in a comma-separated list, in its order, each once.
std::vector<MetricEntry> parse_metrics(std::string_view list) {
  std::string known;
  for (const auto& m : kMetrics) known += (known.empty() ? "" : ", ") + std::string(m.name);
  std::vector<MetricEntry> chosen;
  size_t start = 0;
  while (start <= list.size()) {
    const size_t comma = std::min(list.find(',', start), list.size());
    const std::string_view name = list.substr(start, comma - start);
    start = comma + 1;
    const auto* entry = std::find_if(std::begin(kMetrics), std::end(kMetrics),
                                     [&](const MetricEntry& m) { return m.name == name; });
    if (entry == std::end(kMetrics)) {
      throw Error("evaluate: --metrics: unknown metric '" + std::string(name) +
                  "' (expected one of: " + known + ")");
    }
    bool seen = false;
    for (const auto& c : chosen) seen |= c.name == name;
    if (!seen) chosen.push_back(*entry);
  }
  return chosen;
}

int run_evaluate(const EvaluateOptions& opt) {
  const std::vector<MetricEntry> metrics = parse_metrics(opt.metrics);
  const Lines refs = read_lines(opt.ref);
  const std::string hyp_name = opt.hyp.empty() ? "<stdin>" : opt.hyp;
  const Lines hyps = opt.hyp.empty() ? read_lines(std::cin, hyp_name) : read_lines(opt.hyp);
  if (hyps.size() != refs.size()) {
    throw DataError("evaluate: " + hyp_name + " has " + std::to_string(hyps.size()) +
                    " lines but " + opt.ref + " has " + std::to_string(refs.size()) +
                    " (hypothesis and reference must align line by line)");
  }

  nlohmann::json scores = nlohmann::json::object();
  for (const auto& m : metrics) {
    MetricResult result = m.score(hyps, refs);
    if (opt.json) {
      scores[std::string(m.name)] = std::move(result.json);
    } else {
      std::cout << result.text << '\n';
    }
  }
  if (opt.json) {
    const nlohmann::json out = {
        {"hyp", hyp_name}, {"ref", opt.ref}, {"segments", refs.size()}, {"metrics", scores}};
    std::cout << out.dump(2) << '\n';
  }
  return 0;
}

}  // namespace

Command add_evaluate_command(CLI::App& app) {
  auto* sub = app.add_subcommand(
      "evaluate", "Score translations against a reference: corpus BLEU and chrF as sacreBLEU");
  auto opt = std::make_shared<EvaluateOptions>();
  sub->add_option("--ref", opt->ref, "Reference file, one segment per line (plain or .gz)")
      ->required();
  sub->add_option("--hyp", opt->hyp, "Hypothesis file aligned with --ref (default: stdin)");
  sub->add_option("--metrics", opt->metrics, "Comma-separated metrics: bleu, chrf")
      ->capture_default_str();
  sub->add_flag("--json", opt->json, "Print JSON with full-precision scores and n-gram counts");
  return {sub, [opt]() { return run_evaluate(*opt); }};
}

}  // namespace nmt::cli
