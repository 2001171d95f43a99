// Test support for the metric tests: the rows of tests/data/bleu/expected.tsv
// (scores sacreBLEU 2.x printed for hypothesis files against test2016.de) and their text.
#pragma once

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "test_paths.h"

namespace nmt::test {

inline const std::string kBleuTestdata = std::string(NMT_SOURCE_DIR) + "/tests/data/bleu/";

struct ExpectedScores {
  std::string hyp_file, ref_file;  // full paths
  double bleu = 0, chrf2 = 0;
  std::string bleu_text;
};

inline std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> fields;
  std::stringstream in(line);
  for (std::string field; std::getline(in, field, '\t');) fields.push_back(field);
  return fields;
}

/// Every data row of expected.tsv; columns are found by their header names.
inline std::vector<ExpectedScores> load_expected_scores() {
  std::ifstream in(kBleuTestdata + "expected.tsv");
  if (!in) throw std::runtime_error("cannot open " + kBleuTestdata + "expected.tsv");
  std::string line;
  std::getline(in, line);
  const auto header = split_tabs(line);
  const auto column = [&](const std::string& name) {
    for (size_t i = 0; i < header.size(); ++i) {
      if (header[i] == name) return i;
    }
    throw std::runtime_error("expected.tsv has no column " + name);
  };
  const size_t hyp = column("hyp"), ref = column("ref"), bleu = column("bleu"),
               chrf2 = column("chrf2"), text = column("bleu_text");
  std::vector<ExpectedScores> rows;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const auto f = split_tabs(line);
    if (f.size() != header.size()) throw std::runtime_error("bad expected.tsv row: " + line);
    rows.push_back({kBleuTestdata + f[hyp], kBleuTestdata + f[ref], std::stod(f[bleu]),
                    std::stod(f[chrf2]), f[text]});
  }
  return rows;
}

}  // namespace nmt::test
