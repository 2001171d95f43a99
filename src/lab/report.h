// The report of a comparison: what each run measured, and the folder a person opens
// (report.md, report.html, curve.svg) made from it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "eval/attention_record.h"
#include "lab/run_result.h"
#include "lab/variant.h"

namespace nmt {

struct Spread {
  double mean = 0, sd = 0, min = 0, max = 0;  // sd: sample standard deviation (0 for one value)
};
Spread spread_of(const std::vector<double>& values);

/// AER of attention baselines that know nothing of the sentence (eval/alignment.h).
struct AerBaselines {
  double uniform = 0, diagonal = 0;
};

/// The attention of one test line under each variant (its first seed), in variant order; a
/// record without source pieces is not drawn (the run is not done).
struct PictureRow {
  int64_t line = 0;
  std::vector<AttentionRecord> records;
};

struct ReportInput {
  std::string title;     // e.g. the config file
  std::string settings;  // budget, seeds, search: one line
  std::vector<Variant> variants;
  std::vector<RunResult> runs;  // every variant x seed
  std::optional<AerBaselines> baselines;
  std::vector<PictureRow> pictures;
};

struct LabReport {
  std::string markdown;   // report.md; its pictures are files: curve.svg, pictures/*.svg
  std::string html;       // report.html, self-contained
  std::string curve_svg;  // dev BLEU against updates, one line per variant (mean over seeds)
  std::vector<std::pair<std::string, std::string>> pictures;  // pictures/NAME: SVG text
};

LabReport make_report(const ReportInput& input);

}  // namespace nmt
