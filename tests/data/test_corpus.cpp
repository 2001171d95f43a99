// Corpus reading: plain and gzip files read the same; sacreBLEU's line rules; errors name
// files, lines and counts.
#include <zlib.h>

#include <catch2/catch.hpp>
#include <sstream>

#include "common/errors.h"
#include "common/utf8.h"
#include "data/corpus.h"
#include "support/temp_dir.h"

using Catch::Contains;
using nmt::test::TempDir;
using nmt::test::write_text;

namespace {

void write_gzip(const std::string& path, const std::string& content) {
  gzFile f = gzopen(path.c_str(), "wb");
  REQUIRE(f != nullptr);
  REQUIRE(gzwrite(f, content.data(), static_cast<unsigned>(content.size())) ==
          static_cast<int>(content.size()));
  gzclose(f);
}

using Lines = std::vector<std::string>;

}  // namespace

TEST_CASE("corpus: line rules follow sacreBLEU", "[data][corpus]") {
  TempDir dir;
  SECTION("empty lines count, a final line without newline counts, CRLF reads as LF") {
    write_text(dir.file("a.txt"), "one\r\n\ntwo  \r\nthree");
    CHECK(nmt::read_lines(dir.file("a.txt")) == Lines{"one", "", "two  ", "three"});
  }
  SECTION("a lone \\r inside a line does not end it") {
    write_text(dir.file("b.txt"), "a\rb\n");
    CHECK(nmt::read_lines(dir.file("b.txt")) == Lines{"a\rb"});
  }
  SECTION("an empty file has no lines; a single newline is one empty line") {
    write_text(dir.file("e.txt"), "");
    CHECK(nmt::read_lines(dir.file("e.txt")).empty());
    write_text(dir.file("n.txt"), "\n");
    CHECK(nmt::read_lines(dir.file("n.txt")) == Lines{""});
  }
  SECTION("a stream reads like a file") {
    std::istringstream in("x\r\ny\n\nz");
    CHECK(nmt::read_lines(in, "<stdin>") == Lines{"x", "y", "", "z"});
  }
}

TEST_CASE("corpus: gzip and plain files read the same", "[data][corpus]") {
  TempDir dir;
  // Long enough to cross read-buffer boundaries (64 KiB chunks).
  std::string text;
  for (int i = 0; i < 20000; ++i) text += "Zeile " + std::to_string(i) + " mit Umlaut ä\n";
  write_text(dir.file("plain.de"), text);
  write_gzip(dir.file("packed.de.gz"), text);
  const auto plain = nmt::read_lines(dir.file("plain.de"));
  REQUIRE(plain.size() == 20000);
  CHECK(plain[12345] == "Zeile 12345 mit Umlaut ä");
  CHECK(nmt::read_lines(dir.file("packed.de.gz")) == plain);
}

TEST_CASE("corpus: invalid UTF-8 is an error naming file and line", "[data][corpus]") {
  TempDir dir;
  write_text(dir.file("bad.en"), "fine\nalso fine\nbroken \xC3\x28 here\n");
  REQUIRE_THROWS_WITH(nmt::read_lines(dir.file("bad.en")),
                      dir.file("bad.en") + ":3: invalid UTF-8");
  write_gzip(dir.file("bad.en.gz"), "ok\n\xFF\n");
  REQUIRE_THROWS_WITH(nmt::read_lines(dir.file("bad.en.gz")),
                      dir.file("bad.en.gz") + ":2: invalid UTF-8");
}

TEST_CASE("corpus: UTF-8 validation rejects malformed sequences", "[data][utf8]") {
  CHECK(nmt::is_valid_utf8("plain ascii"));
  CHECK(nmt::is_valid_utf8("\xC3\xA4\xE2\x82\xAC\xF0\x9F\x98\x80"));  // ä € 😀
  CHECK_FALSE(nmt::is_valid_utf8("\xC0\xAF"));                        // overlong '/'
  CHECK_FALSE(nmt::is_valid_utf8("\xED\xA0\x80"));                    // surrogate U+D800
  CHECK_FALSE(nmt::is_valid_utf8("\xF4\x90\x80\x80"));                // U+110000
  CHECK_FALSE(nmt::is_valid_utf8("\xE2\x82"));                        // truncated
  CHECK_FALSE(nmt::is_valid_utf8("\x80"));                            // lone continuation byte
  CHECK(nmt::decode_utf8("a\xC3\xA4\xE2\x82\xAC") == std::u32string{U'a', 0xE4, 0x20AC});
  CHECK(nmt::encode_utf8(U"a\u00E4\u20AC\U0001F600") == "a\xC3\xA4\xE2\x82\xAC\xF0\x9F\x98\x80");
}

TEST_CASE("corpus: prefix + language finds plain or .gz files", "[data][corpus]") {
  TempDir dir;
  const std::string prefix = dir.file("train");
  write_text(prefix + ".en", "a\nb\n");
  write_gzip(prefix + ".de.gz", "x\ny\n");
  CHECK(nmt::corpus_file(prefix, "en", "data.train") == prefix + ".en");
  CHECK(nmt::corpus_file(prefix, "de", "data.train") == prefix + ".de.gz");
  REQUIRE_THROWS_WITH(nmt::corpus_file(prefix, "fr", "data.train"),
                      "data.train: no corpus file " + prefix + ".fr or " + prefix + ".fr.gz");

  const auto corpus = nmt::read_parallel(prefix, "en", "de", "data.train");
  CHECK(corpus.src == Lines{"a", "b"});
  CHECK(corpus.trg == Lines{"x", "y"});
}

TEST_CASE("corpus: differing line counts name both files and counts", "[data][corpus]") {
  TempDir dir;
  const std::string prefix = dir.file("dev");
  write_text(prefix + ".en", "a\nb\nc\n");
  write_text(prefix + ".de", "x\ny\n");
  REQUIRE_THROWS_WITH(
      nmt::read_parallel(prefix, "en", "de", "data.dev"),
      "data.dev: line counts differ: " + prefix + ".en has 3 lines, " + prefix + ".de has 2");
}

TEST_CASE("corpus: a truncated gzip file is an error naming it", "[data][corpus][robustness]") {
  TempDir dir;
  std::string text;
  for (int i = 0; i < 5000; ++i) text += "line " + std::to_string(i) + "\n";
  write_gzip(dir.file("full.gz"), text);
  const std::string packed = nmt::test::read_text(dir.file("full.gz"));
  write_text(dir.file("half.gz"), packed.substr(0, packed.size() / 2));
  // Only the 8-byte trailer (CRC and length) missing: every line is there, the check is not.
  write_text(dir.file("no_trailer.gz"), packed.substr(0, packed.size() - 8));

  CHECK(nmt::read_lines(dir.file("full.gz")).size() == 5000);
  CHECK_THROWS_AS(nmt::read_lines(dir.file("half.gz")), nmt::DataError);
  CHECK_THROWS_WITH(nmt::read_lines(dir.file("half.gz")),
                    Contains(dir.file("half.gz")) && Contains("truncated"));
  CHECK_THROWS_WITH(nmt::read_lines(dir.file("no_trailer.gz")),
                    Contains(dir.file("no_trailer.gz")) && Contains("truncated"));
  // A plain file that merely starts like gzip is not affected.
  write_text(dir.file("plain.txt"), "\x1f not gzip\nsecond\n");
  CHECK(nmt::read_lines(dir.file("plain.txt")) == Lines{"\x1f not gzip", "second"});
}
