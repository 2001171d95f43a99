#include "lab/report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "eval/attention_plot.h"

namespace nmt {
namespace {

// A table once, drawn as Markdown and as HTML.
struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

std::string markdown_cell(const std::string& text) {
  std::string cell;
  for (const char c : text) cell += c == '|' ? std::string("\\|") : std::string(1, c);
  return cell;
}

std::string markdown(const Table& table) {
  std::string text = "|";
  for (const auto& h : table.header) text += " " + h + " |";
  text += "\n|";
  for (size_t i = 0; i < table.header.size(); ++i) text += i < 2 ? " --- |" : " ---: |";
  text += "\n";
  for (const auto& row : table.rows) {
    text += "|";
    for (const auto& cell : row) text += " " + markdown_cell(cell) + " |";
    text += "\n";
  }
  return text;
}

std::string html(const Table& table) {
  std::string text = "<table>\n<tr>";
  for (const auto& h : table.header) text += "<th>" + xml_text(h) + "</th>";
  text += "</tr>\n";
  for (const auto& row : table.rows) {
    text += "<tr>";
    for (size_t i = 0; i < row.size(); ++i) {
      text += (i < 2 ? "<td>" : "<td class=\"n\">") + xml_text(row[i]) + "</td>";
    }
    text += "</tr>\n";
  }
  return text + "</table>\n";
}

std::string fixed(double value, int digits) { return fmt::format("{:.{}f}", value, digits); }

std::string mean_sd(const Spread& s, size_t n, int digits) {
  return n > 1 ? fixed(s.mean, digits) + " ± " + fixed(s.sd, digits) : fixed(s.mean, digits);
}

std::vector<const RunResult*> runs_of(const ReportInput& input, const std::string& variant) {
  std::vector<const RunResult*> runs;
  for (const auto& r : input.runs) {
    if (r.variant == variant) runs.push_back(&r);
  }
  return runs;
}

template <typename Field>
Spread spread_over(const std::vector<const RunResult*>& runs, Field field) {
  std::vector<double> values;
  for (const auto* r : runs) values.push_back(field(*r));
  return spread_of(values);
}

std::string joined(const std::vector<std::string>& items, const std::string& separator) {
  std::string text;
  for (const auto& item : items) text += (text.empty() ? "" : separator) + item;
  return text;
}

// The difference of a variant's mean BLEU from the first variant's, and whether the seeds'
// ranges of the two overlap (then the difference is within what the seed alone moves).
std::string bleu_difference(const Spread& mine, const Spread& first, size_t seeds) {
  std::string text = fmt::format("{:+.2f}", mine.mean - first.mean);
  if (seeds < 2) return text;
  const bool apart = mine.min > first.max || mine.max < first.min;
  return text + (apart ? " (beyond seed spread)" : " (within seed spread)");
}

Table summary_table(const ReportInput& input) {
  Table t;
  t.header = {"variant",
              "overrides",
              "BLEU",
              "chrF",
              "ΔBLEU vs " + input.variants.front().name,
              "dev ppl",
              "train tok/s",
              "decode sent/s",
              "parameters",
              "entropy (nats)",
              "AER"};
  const auto first_bleu = spread_over(runs_of(input, input.variants.front().name),
                                      [](const RunResult& r) { return r.test_bleu; });
  for (const auto& v : input.variants) {
    const auto runs = runs_of(input, v.name);
    if (runs.empty()) continue;
    const size_t n = runs.size();
    const auto bleu = spread_over(runs, [](const RunResult& r) { return r.test_bleu; });
    const bool has_aer = std::all_of(runs.begin(), runs.end(), [](auto* r) { return r->aer; });
    t.rows.push_back(
        {v.name, v.overrides.empty() ? "(the config)" : joined(v.overrides, " "),
         mean_sd(bleu, n, 2),
         mean_sd(spread_over(runs, [](const RunResult& r) { return r.test_chrf; }), n, 2),
         &v == &input.variants.front() ? "-" : bleu_difference(bleu, first_bleu, n),
         mean_sd(spread_over(runs, [](const RunResult& r) { return r.dev_ppl; }), n, 2),
         mean_sd(spread_over(runs, [](const RunResult& r) { return r.tokens_per_second; }), n, 0),
         mean_sd(spread_over(runs, [](const RunResult& r) { return r.sentences_per_second; }), n,
                 1),
         std::to_string(runs.front()->parameters),
         mean_sd(spread_over(runs, [](const RunResult& r) { return r.entropy; }), n, 3),
         has_aer ? mean_sd(spread_over(runs, [](const RunResult& r) { return *r.aer; }), n, 2)
                 : "-"});
  }
  return t;
}

Table runs_table(const ReportInput& input) {
  Table t;
  t.header = {"variant",     "seed",          "updates",        "BLEU",
              "chrF",        "dev ppl",       "dev BLEU",       "best update",
              "train tok/s", "decode sent/s", "entropy (nats)", "AER"};
  for (const auto& v : input.variants) {
    for (const auto* r : runs_of(input, v.name)) {
      t.rows.push_back({r->variant, std::to_string(r->seed), std::to_string(r->updates),
                        fixed(r->test_bleu, 2), fixed(r->test_chrf, 2), fixed(r->dev_ppl, 2),
                        fixed(r->dev_bleu, 2), std::to_string(r->best_step),
                        fixed(r->tokens_per_second, 0), fixed(r->sentences_per_second, 1),
                        fixed(r->entropy, 3), r->aer ? fixed(*r->aer, 2) : "-"});
    }
  }
  return t;
}

constexpr const char* kColours[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                                    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};

std::string curve_svg(const ReportInput& input) {
  // Mean dev BLEU over the seeds that validated at each update, per variant.
  std::vector<std::map<int64_t, std::pair<double, int>>> curves;
  int64_t last_update = 1;
  double top = 10;
  for (const auto& v : input.variants) {
    std::map<int64_t, std::pair<double, int>> points;
    for (const auto* r : runs_of(input, v.name)) {
      for (const auto& [update, bleu] : r->curve) {
        points[update].first += bleu;
        points[update].second += 1;
        last_update = std::max(last_update, update);
        top = std::max(top, bleu);
      }
    }
    curves.push_back(points);
  }
  top = 10 * std::ceil(top / 10);
  const double left = 60, right = 170, height = 300, width = 480, above = 30;
  const auto x = [&](double update) { return left + width * update / last_update; };
  const auto y = [&](double bleu) { return above + height * (1 - bleu / top); };
  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" "
      "font-family=\"sans-serif\" font-size=\"12\">\n"
      "<text x=\"{}\" y=\"18\" font-size=\"14\">dev BLEU (greedy) against updates, mean over "
      "seeds</text>\n",
      left + width + right, above + height + 50, left);
  for (int i = 0; i <= 5; ++i) {
    const double bleu = top * i / 5, update = static_cast<double>(last_update) * i / 5;
    svg += fmt::format(
        "<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#ddd\"/>"
        "<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\">{:.0f}</text>\n"
        "<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\">{:.0f}</text>\n",
        left, y(bleu), left + width, y(bleu), left - 6, y(bleu) + 4, bleu, x(update),
        above + height + 18, update);
  }
  svg += fmt::format(
      "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#444\"/>\n"
      "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">updates</text>\n",
      left, above, width, height, left + width / 2, above + height + 38);
  for (size_t i = 0; i < curves.size(); ++i) {
    const char* colour = kColours[i % std::size(kColours)];
    std::string points;
    for (const auto& [update, sum] : curves[i]) {
      points +=
          fmt::format("{:.1f},{:.1f} ", x(static_cast<double>(update)), y(sum.first / sum.second));
    }
    if (!points.empty()) {
      svg +=
          fmt::format("<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"/>\n",
                      points, colour);
    }
    const double ly = above + 10 + 18 * static_cast<double>(i);
    svg += fmt::format(
        "<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"{}\" "
        "stroke-width=\"2\"/><text x=\"{:.1f}\" y=\"{:.1f}\">{}</text>\n",
        left + width + 12, ly, left + width + 32, ly, colour, left + width + 38, ly + 4,
        xml_text(input.variants[i].name));
  }
  return svg + "</svg>\n";
}

std::string picture_name(const std::string& variant, int64_t line) {
  return fmt::format("{}-line-{}.svg", variant, line);
}

}  // namespace

Spread spread_of(const std::vector<double>& values) {
  Spread s;
  if (values.empty()) return s;
  const auto n = static_cast<double>(values.size());
  s.mean = std::accumulate(values.begin(), values.end(), 0.0) / n;
  double squares = 0;
  for (const double v : values) squares += (v - s.mean) * (v - s.mean);
  s.sd = values.size() > 1 ? std::sqrt(squares / (n - 1)) : 0;
  s.min = *std::min_element(values.begin(), values.end());
  s.max = *std::max_element(values.begin(), values.end());
  return s;
}

LabReport make_report(const ReportInput& input) {
  LabReport report;
  report.curve_svg = curve_svg(input);
  const auto summary = summary_table(input);
  const auto runs = runs_table(input);
  const std::string baselines =
      input.baselines ? fmt::format(
                            "AER of attention baselines on the same references: uniform {:.2f}, "
                            "diagonal {:.2f}.",
                            input.baselines->uniform, input.baselines->diagonal)
                      : "";
  const std::string notes =
      "BLEU and chrF: sacreBLEU-exact, on the test set with the search above, of the best "
      "checkpoint by dev score. ΔBLEU: difference of the means; beyond the seed spread where the "
      "two variants' per-seed ranges do not overlap. Entropy: of the attention over the real "
      "source pieces, mean over the target pieces of the test translations. AER (percent): "
      "Och & Ney 2003, of the model reading the reference translations, subwords merged into "
      "words, one link per target word at its argmax source word.";

  auto& md = report.markdown;
  md = "# Attention lab: " + input.title + "\n\n" + input.settings + "\n\n## Summary\n\n" +
       markdown(summary) + "\n" + (baselines.empty() ? "" : baselines + "\n\n") + notes +
       "\n\n## Every run\n\n" + markdown(runs) +
       "\n## Learning curves\n\n![dev BLEU against updates](curve.svg)\n";

  auto& page = report.html;
  page = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Attention lab: " +
         xml_text(input.title) +
         "</title>\n<style>body{font-family:sans-serif;margin:2em}table{border-collapse:"
         "collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px}td.n{text-align:"
         "right}.pictures{display:flex;flex-wrap:wrap;gap:1em}.pictures div{flex:0 0 auto}"
         "</style></head><body>\n<h1>Attention lab: " +
         xml_text(input.title) + "</h1>\n<p>" + xml_text(input.settings) +
         "</p>\n<h2>Summary</h2>\n" + html(summary) +
         (baselines.empty() ? "" : "<p>" + xml_text(baselines) + "</p>\n") + "<p>" +
         xml_text(notes) + "</p>\n<h2>Every run</h2>\n" + html(runs) +
         "<h2>Learning curves</h2>\n" + report.curve_svg;

  if (!input.pictures.empty()) {
    md += "\n## Attention (first seed of each variant)\n\n";
    Table pictures;
    pictures.header = {"line"};
    for (const auto& v : input.variants) pictures.header.push_back(v.name);
    page += "<h2>Attention (first seed of each variant)</h2>\n";
    for (const auto& row : input.pictures) {
      std::vector<std::string> cells = {std::to_string(row.line)};
      page += fmt::format("<h3>line {}</h3>\n<div class=\"pictures\">\n", row.line);
      for (size_t i = 0; i < row.records.size() && i < input.variants.size(); ++i) {
        const auto& r = row.records[i];
        const auto& name = input.variants[i].name;
        if (r.source.empty()) {  // not run yet
          cells.push_back("-");
          continue;
        }
        const auto svg = attention_svg(r.source, r.target, r.weights,
                                       fmt::format("{}, line {}", name, row.line));
        report.pictures.emplace_back(picture_name(name, row.line), svg);
        cells.push_back("![" + name + "](pictures/" + picture_name(name, row.line) + ")");
        page += "<div>" + svg + "</div>\n";
      }
      pictures.rows.push_back(cells);
      page += "</div>\n";
    }
    md += markdown(pictures);
  }
  page += "</body></html>\n";
  return report;
}

}  // namespace nmt
