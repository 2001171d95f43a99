#include "eval/attention_record.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "common/errors.h"

namespace nmt {

std::string to_json_line(const AttentionRecord& r) {
  nlohmann::json j = {{"line", r.line},
                      {"source", r.source},
                      {"target", r.target},
                      {"attention", r.weights},
                      {"translation", r.translation}};
  if (r.score) j["score"] = *r.score;
  return j.dump();
}

AttentionRecord parse_attention_record(const std::string& text, const std::string& where) {
  AttentionRecord r;
  try {
    const auto j = nlohmann::json::parse(text);
    j.at("line").get_to(r.line);
    j.at("source").get_to(r.source);
    j.at("target").get_to(r.target);
    j.at("attention").get_to(r.weights);
    if (j.contains("translation")) j["translation"].get_to(r.translation);
    if (j.contains("score") && j["score"].is_number()) r.score = j["score"].get<double>();
  } catch (const nlohmann::json::exception& e) {
    throw DataError(where + ": not an attention record: " + e.what());
  }
  if (r.line < 0) throw DataError(where + ": \"line\" must be >= 0, got " + std::to_string(r.line));
  bool shape_ok = r.weights.size() == r.target.size();
  for (const auto& row : r.weights) shape_ok = shape_ok && row.size() == r.source.size();
  if (!shape_ok) {
    throw DataError(where + ": \"attention\" must have one row per target piece (" +
                    std::to_string(r.target.size()) + "), each with one weight per source piece (" +
                    std::to_string(r.source.size()) + ")");
  }
  return r;
}

std::vector<AttentionFileRecord> parse_attention_file(const std::vector<std::string>& lines,
                                                      const std::string& file) {
  std::vector<AttentionFileRecord> records;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].find_first_not_of(" \t") == std::string::npos) continue;
    const std::string where = file + ":" + std::to_string(i + 1);
    records.push_back({parse_attention_record(lines[i], where), where});
  }
  return records;
}

double mean_attention_entropy(const std::vector<AttentionRecord>& records) {
  double sum = 0;
  int64_t rows = 0;
  for (const auto& r : records) {
    for (const auto& row : r.weights) {
      for (const float w : row) {
        if (w > 0) sum -= w * std::log(static_cast<double>(w));
      }
      ++rows;
    }
  }
  return rows > 0 ? sum / static_cast<double>(rows) : 0;
}

}  // namespace nmt
