// Tests of the 13a tokenizer against hand-applied sacreBLEU rules (tokenizer_13a.py,
// tokenizer_re.py) and of the Unicode whitespace set it shares with chrF.
#include <catch2/catch.hpp>
#include <string>

#include "common/utf8.h"
#include "eval/tokenizer_13a.h"

using nmt::tokenize_13a;

TEST_CASE("13a: symbols are split off, apostrophe and in-word hyphen are not",
          "[eval][tokenizer_13a]") {
  // '!' is in the class [{-~[-` -&(-+:-@/]; ',' after a non-digit gets "\1 \2 ".
  CHECK(tokenize_13a("Hello, world!") == "Hello , world !");
  CHECK(tokenize_13a("(a)[b]{c}<d>") == "( a ) [ b ] { c } < d >");
  CHECK(tokenize_13a("don't stop well-known") == "don't stop well-known");
}

TEST_CASE("13a: period and comma stay inside numbers", "[eval][tokenizer_13a]") {
  // '$' is padded. "3.50" and "3,000": digit before and after, no rule applies. ", " and the
  // final "." (followed by the padding space) match ([\.,])([^0-9]) -> " \1 \2".
  CHECK(tokenize_13a("It costs $3.50, or 3,000.") == "It costs $ 3.50 , or 3,000 .");
  // "5.x": rule 3 (period before a non-digit). "v.5": rule 2 (period after a non-digit) even
  // though a digit follows. ".5" at the start: preceded by the padding space, so rule 2.
  // "5..": the second period follows a period (non-digit), rule 2, then both get rule 3.
  CHECK(tokenize_13a("5.x v.5 .5 5..") == "5 . x v . 5 . 5 5 . .");
}

TEST_CASE("13a: a hyphen is split only after a digit", "[eval][tokenizer_13a]") {
  // ([0-9])(-) -> "\1 \2 ": "0-" in 1990-2000 matches; "l-k" in well-known does not.
  CHECK(tokenize_13a("1990-2000 well-known") == "1990 - 2000 well-known");
}

TEST_CASE("13a: a regex match consumes its characters", "[eval][tokenizer_13a]") {
  // Rule 2 on " a,,5 ": "a," matches and consumes the first comma, so the second comma (whose
  // left neighbour is that consumed comma) cannot match in the same pass: " a , ,5 ". Rule 3:
  // the first comma is followed by a space and matches; ",5" is followed by a digit and does
  // not. A tokenizer that rescanned would give "a , , 5".
  CHECK(tokenize_13a("a,,5") == "a , ,5");
}

TEST_CASE("13a: markup replacements run in sacreBLEU's order", "[eval][tokenizer_13a]") {
  // <skipped> is dropped; &quot; -> '"'; then &amp; -> '&', which turns "&amp;lt;" into
  // "&lt;", and the following &lt; pass turns that into '<'. '<' and '"' are then padded.
  CHECK(tokenize_13a("a &amp;lt; b &quot;c&quot; <skipped>d") == "a < b \" c \" d");
  // "-\n" joins a hyphenated line break; a lone "\n" becomes a space.
  CHECK(tokenize_13a("foo-\nbar\nbaz") == "foobar baz");
}

TEST_CASE("13a: tokens split on Unicode whitespace, not on other characters",
          "[eval][tokenizer_13a]") {
  // U+00A0, U+3000 and TAB separate tokens; U+200B (zero-width space) is not whitespace for
  // Python's str.split(). "Ä." gets rule 2 like any non-digit before a period.
  CHECK(tokenize_13a("a\u00a0b\u3000c\td\u200be") == "a b c d\u200be");
  CHECK(tokenize_13a("\u00c4.b") == "\u00c4 . b");
  CHECK(tokenize_13a("  \u2009 ").empty());
}

TEST_CASE("unicode whitespace: exactly Python's str.isspace() set, in UTF-8 too",
          "[eval][tokenizer_13a]") {
  // The 29 code points CPython 3 reports as isspace().
  const std::u32string python_spaces =
      U"\u0009\u000a\u000b\u000c\u000d\u001c\u001d\u001e\u001f\u0020\u0085\u00a0\u1680"
      U"\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029"
      U"\u202f\u205f\u3000";
  REQUIRE(python_spaces.size() == 29);
  int mismatches = 0, spaces = 0;
  for (char32_t cp = 0; cp <= 0x10FFFF; ++cp) {
    if (cp >= 0xD800 && cp <= 0xDFFF) continue;  // surrogates have no UTF-8 form
    const bool expected = python_spaces.find(cp) != std::u32string::npos;
    const std::string utf8 = nmt::encode_utf8(std::u32string(1, cp));
    const size_t utf8_len = expected ? utf8.size() : 0;
    spaces += nmt::is_unicode_space(cp);
    mismatches += nmt::is_unicode_space(cp) != expected;
    mismatches += nmt::unicode_space_length(utf8, 0) != utf8_len;
  }
  CHECK(spaces == 29);
  CHECK(mismatches == 0);
}

TEST_CASE("unicode whitespace: rstrip removes trailing whitespace only", "[eval][tokenizer_13a]") {
  CHECK(nmt::rstrip_unicode_space("ab \u3000\t") == "ab");
  CHECK(nmt::rstrip_unicode_space(" a\u00a0b\u00a0") == " a\u00a0b");
  CHECK(nmt::rstrip_unicode_space("a.") == "a.");
  CHECK(nmt::rstrip_unicode_space("\u2009 ").empty());
  CHECK(nmt::rstrip_unicode_space("").empty());
}
