#include "data/lexicon.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <unordered_map>

#include "common/errors.h"
#include "data/corpus.h"
#include "data/vocab.h"

namespace nmt {
namespace {

// The last line of a complete shortlist: a file cut short lacks it.
constexpr const char* kEndLine = "# end of the shortlist";

void sort_unique(std::vector<int32_t>& ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
}

// The (source, target) pairs that share a sentence pair, the only ones IBM Model 1 gives a
// probability: row s holds the sorted target ids seen with source id s; the last row is the
// NULL word, seen with every target id of the corpus.
class PairTable {
 public:
  PairTable(const std::vector<std::vector<int>>& src, const std::vector<std::vector<int>>& trg,
            int src_vocab) {
    std::vector<std::vector<int32_t>> seen(static_cast<size_t>(src_vocab) + 1);
    std::vector<size_t> sorted_size(seen.size(), 0);
    for (size_t i = 0; i < src.size(); ++i) {
      std::vector<int32_t> targets(trg[i].begin(), trg[i].end());
      sort_unique(targets);
      std::vector<int32_t> sources(src[i].begin(), src[i].end());
      sources.push_back(src_vocab);  // NULL
      sort_unique(sources);
      for (const auto s : sources) {
        auto& row = seen[static_cast<size_t>(s)];
        row.insert(row.end(), targets.begin(), targets.end());
        // Dropping repeats now and then bounds the memory by the distinct pairs.
        if (row.size() > 2 * sorted_size[static_cast<size_t>(s)] + 4096) {
          sort_unique(row);
          sorted_size[static_cast<size_t>(s)] = row.size();
        }
      }
    }
    start_.push_back(0);
    for (auto& row : seen) {
      sort_unique(row);
      target_.insert(target_.end(), row.begin(), row.end());
      start_.push_back(static_cast<int64_t>(target_.size()));
      std::vector<int32_t>().swap(row);
    }
  }

  int64_t rows() const { return static_cast<int64_t>(start_.size()) - 1; }
  int64_t size() const { return static_cast<int64_t>(target_.size()); }
  int64_t row_start(int64_t s) const { return start_[static_cast<size_t>(s)]; }
  int64_t row_end(int64_t s) const { return start_[static_cast<size_t>(s) + 1]; }
  int32_t target(int64_t index) const { return target_[static_cast<size_t>(index)]; }
  /// The index of pair (s, t), which must have been seen.
  int64_t find(int64_t s, int32_t t) const {
    const auto first = target_.begin() + row_start(s), last = target_.begin() + row_end(s);
    return std::lower_bound(first, last, t) - target_.begin();
  }

 private:
  std::vector<int64_t> start_;
  std::vector<int32_t> target_;
};

void check_ids(const std::vector<std::vector<int>>& sentences, int vocab, const char* side) {
  for (const auto& sentence : sentences) {
    for (const auto id : sentence) {
      if (id < 0 || id >= vocab) {
        throw Error(std::string("lexicon: ") + side + " id " + std::to_string(id) +
                    " is outside the vocabulary of " + std::to_string(vocab));
      }
    }
  }
}

std::unordered_map<std::string, int32_t> ids_of_pieces(const Vocab& vocab) {
  std::unordered_map<std::string, int32_t> ids;
  for (int id = 0; id < vocab.size(); ++id) ids.emplace(vocab.piece(id), id);
  return ids;
}

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> fields;
  size_t from = 0;
  for (size_t tab; (tab = line.find('\t', from)) != std::string::npos; from = tab + 1) {
    fields.push_back(line.substr(from, tab - from));
  }
  fields.push_back(line.substr(from));
  return fields;
}

}  // namespace

Lexicon train_lexicon(const std::vector<std::vector<int>>& src,
                      const std::vector<std::vector<int>>& trg, int src_vocab, int trg_vocab,
                      const LexiconOptions& options) {
  if (src.size() != trg.size()) throw Error("lexicon: the sides have different sentence counts");
  check_ids(src, src_vocab, "source");
  check_ids(trg, trg_vocab, "target");
  const PairTable pairs(src, trg, src_vocab);
  // Equal probabilities to start: the first E-step counts co-occurrences.
  std::vector<double> prob(static_cast<size_t>(pairs.size()), 1.0);
  std::vector<int64_t> index;
  for (int iteration = 0; iteration < options.iterations; ++iteration) {
    std::vector<double> count(prob.size(), 0.0);
    for (size_t i = 0; i < src.size(); ++i) {
      for (const auto t : trg[i]) {  // E-step: t's alignment over the positions and NULL
        index.clear();
        for (const auto s : src[i]) index.push_back(pairs.find(s, t));
        index.push_back(pairs.find(src_vocab, t));
        double total = 0;
        for (const auto k : index) total += prob[static_cast<size_t>(k)];
        for (const auto k : index)
          count[static_cast<size_t>(k)] += prob[static_cast<size_t>(k)] / total;
      }
    }
    for (int64_t s = 0; s < pairs.rows(); ++s) {  // M-step: normalise each source's counts
      double total = 0;
      for (auto k = pairs.row_start(s); k < pairs.row_end(s); ++k)
        total += count[static_cast<size_t>(k)];
      for (auto k = pairs.row_start(s); k < pairs.row_end(s); ++k) {
        prob[static_cast<size_t>(k)] = total > 0 ? count[static_cast<size_t>(k)] / total : 0.0;
      }
    }
  }
  const auto best_first = [](const Lexicon::Entry& a, const Lexicon::Entry& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  };
  const auto keep_best = [&](std::vector<Lexicon::Entry>& entries, int64_t keep) {
    std::sort(entries.begin(), entries.end(), best_first);
    if (static_cast<int64_t>(entries.size()) > keep) entries.resize(static_cast<size_t>(keep));
  };
  Lexicon lexicon;
  lexicon.translations.resize(static_cast<size_t>(src_vocab));
  for (int64_t s = 0; s < src_vocab; ++s) {
    auto& entries = lexicon.translations[static_cast<size_t>(s)];
    for (auto k = pairs.row_start(s); k < pairs.row_end(s); ++k) {
      entries.emplace_back(pairs.target(k), static_cast<float>(prob[static_cast<size_t>(k)]));
    }
    keep_best(entries, options.per_source);
  }
  std::vector<int64_t> frequency(static_cast<size_t>(trg_vocab), 0);
  int64_t tokens = 0;
  for (const auto& sentence : trg) {
    for (const auto t : sentence) ++frequency[static_cast<size_t>(t)];
    tokens += static_cast<int64_t>(sentence.size());
  }
  for (int32_t t = 0; t < trg_vocab; ++t) {
    if (frequency[static_cast<size_t>(t)] == 0) continue;
    lexicon.frequent.emplace_back(
        t, static_cast<float>(static_cast<double>(frequency[static_cast<size_t>(t)]) /
                              static_cast<double>(tokens)));
  }
  keep_best(lexicon.frequent, options.frequent);
  return lexicon;
}

std::string lexicon_text(const Lexicon& lexicon, const Vocab& src, const Vocab& trg) {
  std::ostringstream out;
  out << "# nmt shortlist: source piece<TAB>target piece<TAB>p(target | source) (IBM Model 1)\n"
      << "# lines with an empty source piece: target pieces by their share of the target text\n";
  char number[32];
  const auto line = [&](const std::string& source, const Lexicon::Entry& e) {
    std::snprintf(number, sizeof number, "%.6g", static_cast<double>(e.second));
    out << source << '\t' << trg.piece(e.first) << '\t' << number << '\n';
  };
  for (const auto& e : lexicon.frequent) line("", e);
  for (size_t s = 0; s < lexicon.translations.size(); ++s) {
    for (const auto& e : lexicon.translations[s]) line(src.piece(static_cast<int>(s)), e);
  }
  out << kEndLine << '\n';
  return out.str();
}

Lexicon read_lexicon(const std::string& path, const Vocab& src, const Vocab& trg) {
  const auto source_ids = ids_of_pieces(src), target_ids = ids_of_pieces(trg);
  Lexicon lexicon;
  lexicon.translations.resize(static_cast<size_t>(src.size()));
  const auto lines = read_lines(path);
  size_t entries = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    const auto& line = lines[i];
    if (line.empty() || line[0] == '#') continue;
    ++entries;
    const auto where = path + ":" + std::to_string(i + 1) + ": ";
    const auto fields = split_tabs(line);
    if (fields.size() != 3) {
      throw DataError(where +
                      "expected 3 tab-separated fields (source piece, target piece, "
                      "probability), got " +
                      std::to_string(fields.size()));
    }
    char* end = nullptr;
    const double p = std::strtod(fields[2].c_str(), &end);
    if (fields[2].empty() || *end != '\0' || !std::isfinite(p) || p < 0 || p > 1) {
      throw DataError(where + "probability '" + fields[2] + "' is not a number in [0, 1]");
    }
    const auto target = target_ids.find(fields[1]);
    if (target == target_ids.end()) {
      throw DataError(where + "target piece '" + fields[1] + "' is not in the subword model " +
                      trg.file() +
                      " (a shortlist of another model? rebuild it with `nmt shortlist`)");
    }
    const Lexicon::Entry entry{target->second, static_cast<float>(p)};
    if (fields[0].empty()) {
      lexicon.frequent.push_back(entry);
      continue;
    }
    const auto source = source_ids.find(fields[0]);
    if (source == source_ids.end()) {
      throw DataError(where + "source piece '" + fields[0] + "' is not in the subword model " +
                      src.file() +
                      " (a shortlist of another model? rebuild it with `nmt shortlist`)");
    }
    lexicon.translations[static_cast<size_t>(source->second)].push_back(entry);
  }
  const auto last = std::find_if(lines.rbegin(), lines.rend(),
                                 [](const std::string& line) { return !line.empty(); });
  if (last == lines.rend() || last->rfind(kEndLine, 0) != 0) {
    throw DataError(
        path + ": incomplete (its last line is not '" + std::string(kEndLine) +
        "': cut short, or written by an older nmt; make it again with `nmt shortlist`)");
  }
  if (entries == 0) {
    throw DataError(path +
                    ": no entries (a shortlist needs target pieces to search; make it "
                    "again with `nmt shortlist`)");
  }
  // Likeliest first, whatever order an edited file has.
  const auto by_probability = [](const Lexicon::Entry& a, const Lexicon::Entry& b) {
    return a.second > b.second;
  };
  std::stable_sort(lexicon.frequent.begin(), lexicon.frequent.end(), by_probability);
  for (auto& entries : lexicon.translations) {
    std::stable_sort(entries.begin(), entries.end(), by_probability);
  }
  return lexicon;
}

}  // namespace nmt
