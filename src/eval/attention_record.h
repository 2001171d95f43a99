// The attention record: one JSON object per translated line, as `nmt translate
// --attention-out` writes them and `nmt plot-attention` reads them:
//   {"line": 3, "source": [pieces], "target": [pieces], "attention": [[w, ...], ...],
//    "translation": "text", "score": -1.25}
// "attention" has one row per target piece, each over the source pieces. An input line with
// no subwords has empty lists, an empty translation and no score.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nmt {

struct AttentionRecord {
  int64_t line = 0;                         // 1-based input line
  std::vector<std::string> source, target;  // pieces [S] and [T]
  std::vector<std::vector<float>> weights;  // [T][S]
  std::string translation;
  std::optional<double> score;
};

/// The mean entropy, in nats, of the attention rows of `records` (one row per target piece,
/// over the source pieces of its record): 0 when each row is one-hot, ln S when uniform over S.
double mean_attention_entropy(const std::vector<AttentionRecord>& records);

/// The record as one line of JSON (no trailing newline).
std::string to_json_line(const AttentionRecord& record);

/// Parses one line; throws DataError naming `where` (file:line) if it is not a record, if a
/// field has the wrong type, or if the weights' shape is not [T][S].
AttentionRecord parse_attention_record(const std::string& text, const std::string& where);

/// The records of a file's lines (`file` names it in errors); blank lines are skipped.
struct AttentionFileRecord {
  AttentionRecord record;
  std::string where;  // file:line
};
std::vector<AttentionFileRecord> parse_attention_file(const std::vector<std::string>& lines,
                                                      const std::string& file);

}  // namespace nmt
