// `nmt plot-attention`: one SVG heatmap per record of the JSON lines file that
// `nmt translate --attention-out` writes, named DIR/line-0003.svg after the input line.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "common/errors.h"
#include "common/files.h"
#include "data/corpus.h"
#include "eval/attention_plot.h"
#include "eval/attention_record.h"

namespace nmt::cli {
namespace {

struct PlotAttentionOptions {
  std::string input;
  std::string out;
  std::vector<int64_t> lines;  // empty: every line
};

std::string plot_title(const AttentionRecord& r) {
  std::ostringstream title;
  title << "line " << r.line;
  if (r.score) title << " (score " << std::fixed << std::setprecision(2) << *r.score << ")";
  return title.str();
}

std::string plot_name(int64_t line) {
  char name[40];
  std::snprintf(name, sizeof name, "line-%04lld.svg", static_cast<long long>(line));
  return name;
}

// Throws DataError naming every requested line that has no record, before anything is written.
void check_requested(const std::vector<int64_t>& wanted,
                     const std::vector<AttentionFileRecord>& all, const std::string& file) {
  std::string missing;
  for (int64_t line : wanted) {
    const bool found = std::any_of(all.begin(), all.end(), [&](const AttentionFileRecord& r) {
      return r.record.line == line;
    });
    if (!found) missing += (missing.empty() ? "" : ", ") + std::to_string(line);
  }
  if (!missing.empty()) {
    throw DataError("plot-attention: --lines: " + file + " has no record for line " + missing +
                    " (it has " + std::to_string(all.size()) + " records)");
  }
}

int run_plot_attention(const PlotAttentionOptions& o) {
  const auto records = parse_attention_file(read_lines(o.input), o.input);
  check_requested(o.lines, records, o.input);
  ensure_writable_dir(o.out, "--out");

  for (const auto& [r, where] : records) {
    const bool wanted =
        o.lines.empty() || std::find(o.lines.begin(), o.lines.end(), r.line) != o.lines.end();
    if (!wanted) continue;
    if (r.source.empty() || r.target.empty()) {
      if (!o.lines.empty()) spdlog::warn("[plot] line {} is empty: no plot", r.line);
      continue;
    }
    std::string svg;
    try {
      svg = attention_svg(r.source, r.target, r.weights, plot_title(r));
    } catch (const Error& e) {
      throw DataError(where + ": " + e.what());
    }
    const std::string path = (std::filesystem::path(o.out) / plot_name(r.line)).string();
    write_file_atomic(path, svg);
    std::cout << path << '\n';
  }
  return 0;
}

}  // namespace

Command add_plot_attention_command(CLI::App& app) {
  auto* sub = app.add_subcommand(
      "plot-attention", "Draw attention heatmaps (SVG) from `translate --attention-out` output");
  auto opt = std::make_shared<PlotAttentionOptions>();
  sub->add_option("--input", opt->input, "JSON lines from `nmt translate --attention-out`")
      ->required();
  sub->add_option("--out", opt->out, "Directory for line-NNNN.svg (created if needed)")->required();
  sub->add_option("--lines", opt->lines, "Comma-separated input line numbers (default: all)")
      ->delimiter(',');
  return {sub, [opt]() { return run_plot_attention(*opt); }};
}

}  // namespace nmt::cli
