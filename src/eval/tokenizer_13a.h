// sacreBLEU's default BLEU tokenizer `13a` (mteval-v13a.pl as ported in sacreBLEU's
// tokenizer_13a.py and tokenizer_re.py), plus the Unicode whitespace rules it and chrF share.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace nmt {

/// True for the code points Python's str.split() and str.isspace() treat as whitespace
/// (ASCII \t\n\v\f\r, U+001C..U+001F, space, U+0085, U+00A0, U+1680, U+2000..U+200A,
/// U+2028, U+2029, U+202F, U+205F, U+3000). sacreBLEU splits tokens and strips chrF input
/// with exactly this set.
bool is_unicode_space(char32_t cp);

/// Byte length of the whitespace character (as is_unicode_space) that starts at text[i] in
/// UTF-8, or 0 if text[i] does not start one.
size_t unicode_space_length(std::string_view text, size_t i);

/// `text` without trailing whitespace, as Python's str.rstrip().
std::string_view rstrip_unicode_space(std::string_view text);

/// Tokenizes one segment as sacreBLEU's Tokenizer13a. Reuses its buffers across calls, so
/// one instance serves a whole corpus; not thread-safe.
class Tokenizer13a {
 public:
  /// The tokens of `line` (UTF-8). The views point into this tokenizer and stay valid until
  /// the next call.
  const std::vector<std::string_view>& operator()(std::string_view line);

 private:
  std::string a_, b_;
  std::vector<std::string_view> tokens_;
};

/// The tokenized line as sacreBLEU returns it: tokens joined by single spaces.
std::string tokenize_13a(std::string_view line);

}  // namespace nmt
