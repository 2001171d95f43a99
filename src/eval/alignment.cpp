#include "eval/alignment.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "common/errors.h"

namespace nmt {
namespace {

constexpr std::string_view kWordStart = "\xe2\x96\x81";  // U+2581, SentencePiece's space

bool parse_index(std::string_view text, int64_t& value) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end == text.data() + text.size() && value >= 0;
}

}  // namespace

GoldAlignment parse_pharaoh(std::string_view line, const std::string& where) {
  GoldAlignment gold;
  size_t start = 0;
  while (start < line.size()) {
    if (line[start] == ' ' || line[start] == '\t') {
      ++start;
      continue;
    }
    const size_t end = std::min(line.find_first_of(" \t", start), line.size());
    const auto link = line.substr(start, end - start);
    const size_t mark = link.find_first_of("-?");
    int64_t source = 0, target = 0;
    if (mark == std::string_view::npos || !parse_index(link.substr(0, mark), source) ||
        !parse_index(link.substr(mark + 1), target)) {
      throw DataError(where + ": '" + std::string(link) +
                      "' is not a link (expected i-j for sure, i?j for possible)");
    }
    gold.possible.insert({source, target});
    if (link[mark] == '-') gold.sure.insert({source, target});
    start = end;
  }
  return gold;
}

double AerCounts::aer() const {
  const int64_t denominator = links + sure;
  if (denominator == 0) return 0;
  return 1 - static_cast<double>(sure_hits + possible_hits) / static_cast<double>(denominator);
}

AerCounts& AerCounts::operator+=(const AerCounts& other) {
  links += other.links;
  sure += other.sure;
  sure_hits += other.sure_hits;
  possible_hits += other.possible_hits;
  return *this;
}

AerCounts count_alignment(const Links& links, const GoldAlignment& gold) {
  AerCounts counts;
  counts.links = static_cast<int64_t>(links.size());
  counts.sure = static_cast<int64_t>(gold.sure.size());
  for (const auto& link : links) {
    counts.sure_hits += gold.sure.count(link);
    counts.possible_hits += gold.possible.count(link);
  }
  return counts;
}

std::vector<int64_t> words_of_pieces(const std::vector<std::string>& pieces) {
  std::vector<int64_t> words;
  int64_t word = -1;
  for (const auto& piece : pieces) {
    if (piece == "</s>") {
      words.push_back(-1);
      continue;
    }
    if (word < 0 || piece.rfind(kWordStart, 0) == 0) ++word;
    words.push_back(word);
  }
  return words;
}

int64_t word_count(const std::vector<std::string>& pieces) {
  int64_t words = 0;
  for (const int64_t w : words_of_pieces(pieces)) words = std::max(words, w + 1);
  return words;
}

Links attention_links(const AttentionRecord& record) {
  const auto source_words = words_of_pieces(record.source);
  const auto target_words = words_of_pieces(record.target);
  const int64_t sources = word_count(record.source), targets = word_count(record.target);
  if (sources == 0) return {};
  // merged[t][s]: the source word's weight summed over its pieces and over the target word's
  // pieces (their mean has the same argmax).
  std::vector<std::vector<double>> merged(targets, std::vector<double>(sources, 0.0));
  for (size_t t = 0; t < record.target.size(); ++t) {
    if (target_words[t] < 0) continue;
    for (size_t s = 0; s < record.source.size(); ++s) {
      if (source_words[s] >= 0) merged[target_words[t]][source_words[s]] += record.weights[t][s];
    }
  }
  Links links;
  for (int64_t tw = 0; tw < targets; ++tw) {
    const auto& row = merged[tw];
    links.insert({std::max_element(row.begin(), row.end()) - row.begin(), tw});
  }
  return links;
}

AerCounts corpus_aer(const std::vector<AttentionFileRecord>& records,
                     const std::vector<std::string>& gold, const std::string& gold_file) {
  if (records.size() != gold.size()) {
    const auto& where = records.empty() ? std::string("the attention") : records[0].where;
    const std::string file = where.substr(0, where.rfind(':'));
    throw DataError(file + " has " + std::to_string(records.size()) + " records but " + gold_file +
                    " has " + std::to_string(gold.size()) +
                    " lines (one gold alignment per translated line)");
  }
  std::vector<bool> seen(gold.size(), false);
  AerCounts counts;
  for (const auto& [record, where] : records) {
    const auto line = static_cast<size_t>(record.line);
    if (record.line < 1 || line > gold.size() || seen[line - 1]) {
      throw DataError(where + ": line " + std::to_string(record.line) +
                      (record.line >= 1 && line <= gold.size() ? " appears twice"
                                                               : " has no line in " + gold_file));
    }
    seen[line - 1] = true;
    const std::string gold_where = gold_file + ":" + std::to_string(line);
    const auto alignment = parse_pharaoh(gold[line - 1], gold_where);
    const int64_t sources = word_count(record.source), targets = word_count(record.target);
    for (const auto& [s, t] : alignment.possible) {
      if (s >= sources || t >= targets) {
        throw DataError(gold_where + ": link " + std::to_string(s) + "-" + std::to_string(t) +
                        " lies outside the sentence of " + where + " (" + std::to_string(sources) +
                        " source and " + std::to_string(targets) +
                        " target words): are the attention records of this test set?");
      }
    }
    counts += count_alignment(attention_links(record), alignment);
  }
  return counts;
}

AttentionRecord uniform_attention(AttentionRecord record) {
  const auto sources = record.source.size();
  for (auto& row : record.weights) row.assign(sources, sources > 0 ? 1.0f / sources : 0.0f);
  return record;
}

AttentionRecord diagonal_attention(AttentionRecord record) {
  const auto sources = static_cast<double>(record.source.size());
  const auto targets = static_cast<double>(record.weights.size());
  for (size_t t = 0; t < record.weights.size(); ++t) {
    auto& row = record.weights[t];
    row.assign(row.size(), 0.0f);
    if (row.empty()) continue;
    const double position =
        targets > 1 ? static_cast<double>(t) * (sources - 1) / (targets - 1) : 0;
    row[static_cast<size_t>(std::lround(position))] = 1.0f;
  }
  return record;
}

}  // namespace nmt
