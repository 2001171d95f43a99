// Word alignments and the alignment error rate (Och & Ney 2003): gold alignments in the Pharaoh
// format, the links an attention record implies, and AER over a corpus.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "eval/attention_record.h"

namespace nmt {

/// Links as (source word, target word), 0-based.
using Links = std::set<std::pair<int64_t, int64_t>>;

/// A gold alignment: sure links S and possible links P, with S a subset of P.
struct GoldAlignment {
  Links sure, possible;
};

/// Parses one line of Pharaoh links: "i-j" is a sure link, "i?j" a possible one (source word i,
/// target word j, 0-based), separated by spaces; an empty line aligns nothing. Throws DataError
/// naming `where` and the link that is not one.
GoldAlignment parse_pharaoh(std::string_view line, const std::string& where);

/// What AER is computed from, summed over sentences.
struct AerCounts {
  int64_t links = 0;          // |A|, the links proposed
  int64_t sure = 0;           // |S|
  int64_t sure_hits = 0;      // |A ∩ S|
  int64_t possible_hits = 0;  // |A ∩ P|
  /// 1 - (|A∩S| + |A∩P|) / (|A| + |S|); 0 when there is nothing to align or propose.
  double aer() const;
  AerCounts& operator+=(const AerCounts& other);
};

AerCounts count_alignment(const Links& links, const GoldAlignment& gold);

/// The word of each SentencePiece piece: a piece starting with "▁" begins a new word (the first
/// piece always does); "</s>" belongs to no word (-1).
std::vector<int64_t> words_of_pieces(const std::vector<std::string>& pieces);

/// How many words the pieces make (as words_of_pieces counts them).
int64_t word_count(const std::vector<std::string>& pieces);

/// One link per target word, to the source word its attention prefers: the weights merged to
/// words (a source word's weight is the sum over its pieces, a target word's row the mean over
/// its pieces), then the argmax over source words (Luong et al. 2015; Garg et al. 2019).
/// "</s>" on either side is no word and gets no link.
Links attention_links(const AttentionRecord& record);

/// AER of attention records against a file of gold alignments (`gold_file` names it): the
/// record of input line k is scored against gold line k, every gold line has one record. Throws
/// DataError naming the file and line where they do not correspond, or where a gold link lies
/// outside its sentence (records of another test set).
AerCounts corpus_aer(const std::vector<AttentionFileRecord>& records,
                     const std::vector<std::string>& gold, const std::string& gold_file);

/// Baselines that know nothing of the sentence: `record` with every target piece's attention
/// spread evenly over the source pieces, or put on the diagonal (target piece t of T on source
/// piece round(t (S - 1) / (T - 1))).
AttentionRecord uniform_attention(AttentionRecord record);
AttentionRecord diagonal_attention(AttentionRecord record);

}  // namespace nmt
