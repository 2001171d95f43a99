// A word-translation lexicon p(target piece | source piece), learned from a parallel corpus's
// subword ids with IBM Model 1 (Brown et al. 1993), plus the target pieces by frequency. Search
// uses it as a lexical shortlist (decode/shortlist.h), as Marian does with fast_align's tables.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace nmt {

class Vocab;

struct LexiconOptions {
  int iterations = 5;        // EM iterations of IBM Model 1
  int64_t per_source = 100;  // translations kept per source piece, likeliest first
  int64_t frequent = 1000;   // target pieces kept by frequency
};

struct Lexicon {
  using Entry = std::pair<int32_t, float>;       // target id, probability
  std::vector<std::vector<Entry>> translations;  // [source id]: p(t|s), likeliest first
  std::vector<Entry> frequent;  // target ids by their share of all target tokens, largest first
};

/// IBM Model 1 over sentence pairs of ids (without </s>; src[i] pairs with trg[i]), with a NULL
/// source word that target pieces may align to. Ids must be < the vocabulary sizes.
Lexicon train_lexicon(const std::vector<std::vector<int>>& src,
                      const std::vector<std::vector<int>>& trg, int src_vocab, int trg_vocab,
                      const LexiconOptions& options);

/// The lexicon as text, one `source piece<TAB>target piece<TAB>probability` line per entry
/// (an empty source piece for the frequency list), after '#' comment lines and before the
/// end line that tells a complete file from one cut short.
std::string lexicon_text(const Lexicon& lexicon, const Vocab& src, const Vocab& trg);

/// Reads lexicon_text() from `path`. Throws DataError naming the file and line for a malformed
/// line or a piece the subword models do not have (a lexicon of other subword models), and
/// for a file without entries or without the end line (cut short).
Lexicon read_lexicon(const std::string& path, const Vocab& src, const Vocab& trg);

}  // namespace nmt
