// The 13a tokenizer as a fixed sequence of byte passes, one per substitution in sacreBLEU's
// tokenizer_13a.py and tokenizer_re.py, in their order.
#include "eval/tokenizer_13a.h"

namespace nmt {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_period_or_comma(char c) { return c == '.' || c == ','; }
bool is_ascii_space(unsigned c) { return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20); }

// Whether the language-independent replacements can change anything. (A plain loop:
// find_first_of() calls memchr once per character.)
bool has_markup(std::string_view line) {
  for (char c : line) {
    if (c == '<' || c == '\n' || c == '&') return true;
  }
  return false;
}

// The class [\{-\~\[-\` -\&\(-\+\:-\@\/]: ASCII symbols and space. The apostrophe, comma,
// hyphen and period are left out; they get the context rules below.
bool is_padded_symbol(char c) {
  return (c >= '{' && c <= '~') || (c >= '[' && c <= '`') || (c >= ' ' && c <= '&') ||
         (c >= '(' && c <= '+') || (c >= ':' && c <= '@') || c == '/';
}

// One str.replace() pass: left to right, and replaced text is not scanned again.
void replace_all(std::string& text, std::string_view from, std::string_view to) {
  size_t pos = text.find(from);
  if (pos == std::string::npos) return;
  std::string out;
  out.reserve(text.size());
  size_t start = 0;
  for (; pos != std::string::npos; pos = text.find(from, start)) {
    out.append(text, start, pos - start);
    out.append(to);
    start = pos + from.size();
  }
  out.append(text, start, std::string::npos);
  text.swap(out);
}

// The language-independent part. Order matters: "&amp;lt;" becomes "&lt;" and then "<".
void replace_markup(std::string& text) {
  replace_all(text, "<skipped>", "");
  replace_all(text, "-\n", "");
  replace_all(text, "\n", " ");
  replace_all(text, "&quot;", "\"");
  replace_all(text, "&amp;", "&");
  replace_all(text, "&lt;", "<");
  replace_all(text, "&gt;", ">");
}

// " {line} " followed by ([\{-\~\[-\` -\&\(-\+\:-\@\/]) -> " \1 ". Writes at most
// 3 * in.size() + 2 bytes.
char* pad_symbols(std::string_view in, char* out) {
  *out++ = ' ';
  for (char c : in) {
    if (is_padded_symbol(c)) {
      *out++ = ' ';
      *out++ = c;
      *out++ = ' ';
    } else {
      *out++ = c;
    }
  }
  *out++ = ' ';
  return out;
}

// One re.sub() of a two-character pattern (first)(second): every match found scanning left
// to right consumes both characters, so a character never takes part in two matches of one
// pass. The replacement is "\1 \2 ", or " \1 \2" when `space_first`. Writes at most
// 2 * in.size() bytes. Running on UTF-8 bytes is equivalent to running on characters: the
// patterns are ASCII, and a multi-byte character can only match [^0-9] (its last byte as
// `first`, its first byte as `second`, with the rest copied unchanged either way).
template <typename First, typename Second>
char* split_pairs(std::string_view in, char* out, First first, Second second, bool space_first) {
  for (size_t i = 0; i < in.size(); ++i) {
    if (i + 1 < in.size() && first(in[i]) && second(in[i + 1])) {
      if (space_first) *out++ = ' ';
      *out++ = in[i];
      *out++ = ' ';
      *out++ = in[++i];
      if (!space_first) *out++ = ' ';
    } else {
      *out++ = in[i];
    }
  }
  return out;
}

// Runs `pass` from `in` into `out` (grown to `capacity` bytes, never shrunk) and returns the
// written part. `in` must not point into `out`.
template <typename Pass>
std::string_view run_pass(std::string_view in, std::string& out, size_t capacity, Pass pass) {
  if (out.size() < capacity) out.resize(capacity);
  const char* end = pass(in, out.data());
  return std::string_view(out.data(), static_cast<size_t>(end - out.data()));
}

}  // namespace

bool is_unicode_space(char32_t cp) {
  if (cp < 0x80) return is_ascii_space(cp);
  return cp == 0x85 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) ||
         cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

size_t unicode_space_length(std::string_view text, size_t i) {
  const auto byte = [&](size_t k) -> unsigned {
    return i + k < text.size() ? static_cast<unsigned char>(text[i + k]) : 0u;
  };
  const unsigned lead = byte(0);
  if (lead < 0x80) return is_ascii_space(lead) ? 1 : 0;
  switch (lead) {
    case 0xC2:  // U+0085, U+00A0
      return byte(1) == 0x85 || byte(1) == 0xA0 ? 2 : 0;
    case 0xE1:  // U+1680
      return byte(1) == 0x9A && byte(2) == 0x80 ? 3 : 0;
    case 0xE2: {  // U+2000..U+200A, U+2028, U+2029, U+202F (E2 80 xx); U+205F (E2 81 9F)
      const unsigned b2 = byte(2);
      if (byte(1) == 0x80) {
        return (b2 >= 0x80 && b2 <= 0x8A) || b2 == 0xA8 || b2 == 0xA9 || b2 == 0xAF ? 3 : 0;
      }
      return byte(1) == 0x81 && b2 == 0x9F ? 3 : 0;
    }
    case 0xE3:  // U+3000
      return byte(1) == 0x80 && byte(2) == 0x80 ? 3 : 0;
    default:
      return 0;
  }
}

std::string_view rstrip_unicode_space(std::string_view text) {
  // Fast path: most segments end in a letter or punctuation.
  if (!text.empty() && static_cast<unsigned char>(text.back()) < 0x80 &&
      !is_ascii_space(static_cast<unsigned char>(text.back()))) {
    return text;
  }
  size_t end = 0;
  for (size_t i = 0; i < text.size();) {
    const size_t space = unicode_space_length(text, i);
    if (space > 0) {
      i += space;
    } else {
      end = ++i;
    }
  }
  return text.substr(0, end);
}

const std::vector<std::string_view>& Tokenizer13a::operator()(std::string_view line) {
  std::string_view text = line;
  if (has_markup(line)) {
    a_.assign(line);
    replace_markup(a_);
    text = a_;
  }
  text = run_pass(text, b_, 3 * text.size() + 2, pad_symbols);
  const auto not_digit = [](char c) { return !is_digit(c); };
  const auto is_hyphen = [](char c) { return c == '-'; };
  text = run_pass(text, a_, 2 * text.size(), [&](std::string_view in, char* out) {
    return split_pairs(in, out, not_digit, is_period_or_comma, /*space_first=*/false);
  });
  text = run_pass(text, b_, 2 * text.size(), [&](std::string_view in, char* out) {
    return split_pairs(in, out, is_period_or_comma, not_digit, /*space_first=*/true);
  });
  text = run_pass(text, a_, 2 * text.size(), [&](std::string_view in, char* out) {
    return split_pairs(in, out, is_digit, is_hyphen, /*space_first=*/false);
  });

  // ' '.join(line.split()): tokens are the maximal runs without Unicode whitespace.
  tokens_.clear();
  size_t start = std::string_view::npos;
  for (size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    const size_t space = byte < 0x80 ? is_ascii_space(byte) : unicode_space_length(text, i);
    if (space == 0) {
      if (start == std::string_view::npos) start = i;
      ++i;
      continue;
    }
    if (start != std::string_view::npos) tokens_.push_back(text.substr(start, i - start));
    start = std::string_view::npos;
    i += space;
  }
  if (start != std::string_view::npos) tokens_.push_back(text.substr(start));
  return tokens_;
}

std::string tokenize_13a(std::string_view line) {
  Tokenizer13a tokenizer;
  std::string joined;
  for (std::string_view token : tokenizer(line)) {
    if (!joined.empty()) joined += ' ';
    joined += token;
  }
  return joined;
}

}  // namespace nmt
