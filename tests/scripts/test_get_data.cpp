// scripts/get_data.sh: copies a corpus from a local folder, checks each file's hash from a
// manifest, rejects a corrupted file by name. A small corpus made here stands for Multi30K;
// the real Multi30K is checked too where ../shared/data/multi30k exists.
#include <catch2/catch.hpp>
#include <filesystem>

#include "data/corpus.h"
#include "support/run_command.h"
#include "support/temp_dir.h"
#include "test_paths.h"

namespace fs = std::filesystem;
using nmt::test::run_command;

namespace {

const std::string kScript = std::string(NMT_SOURCE_DIR) + "/scripts/get_data.sh";

std::string sha256_of_text(const std::string& text) {
  nmt::test::TempDir dir;
  nmt::test::write_text(dir.file("t"), text);
  const auto r = run_command("sha256sum '" + dir.file("t") + "'");
  return r.output.substr(0, 64);
}

// A two-language corpus in `dir`/local (train plain, dev gzipped) and its manifest, which
// also lists a test set the folder does not have.
struct ToyCorpus {
  std::string local, manifest;
  std::string train_en = "a cat\nthe dog\n", train_de = "eine Katze\nder Hund\n";
  std::string dev_en = "a sun\n", dev_de = "eine Sonne\n";
};

ToyCorpus make_toy_corpus(const nmt::test::TempDir& dir) {
  ToyCorpus c;
  c.local = dir.file("local");
  c.manifest = dir.file("toy.txt");
  fs::create_directories(c.local);
  nmt::test::write_text(c.local + "/train.en", c.train_en);
  nmt::test::write_text(c.local + "/train.de", c.train_de);
  nmt::test::write_text(c.local + "/dev.en", c.dev_en);
  nmt::test::write_text(c.local + "/dev.de", c.dev_de);
  REQUIRE(run_command("gzip '" + c.local + "/dev.en' '" + c.local + "/dev.de'").status == 0);
  nmt::test::write_text(c.manifest,
                        "# a toy corpus\n"
                        "train.en train.en required " +
                            sha256_of_text(c.train_en) + "\n" + "train.de train.de required " +
                            sha256_of_text(c.train_de) + "\n" + "dev.en dev.en required " +
                            sha256_of_text(c.dev_en) + "\n" + "dev.de dev.de required " +
                            sha256_of_text(c.dev_de) + "\n" + "test.en test.en test " +
                            sha256_of_text("x\n") + "\n");
  return c;
}

std::string get_data(const ToyCorpus& c, const std::string& to) {
  return "'" + kScript + "' toy --manifest '" + c.manifest + "' --from '" + c.local + "' --to '" +
         to + "'";
}

}  // namespace

TEST_CASE("get_data: a local copy is taken with hashes checked", "[scripts][get_data]") {
  nmt::test::TempDir dir;
  const auto corpus = make_toy_corpus(dir);
  const auto r = run_command(get_data(corpus, dir.file("out")));
  INFO(r.output);
  REQUIRE(r.status == 0);
  CHECK_THAT(r.output, Catch::Contains("test.en: not in"));
  CHECK_THAT(r.output, Catch::Contains("4 files in"));
  CHECK(nmt::read_lines(dir.file("out/train.de.gz")) ==
        std::vector<std::string>{"eine Katze", "der Hund"});
  CHECK(nmt::read_lines(dir.file("out/dev.en.gz")) == std::vector<std::string>{"a sun"});
}

TEST_CASE("get_data: a corrupted file is rejected with its name", "[scripts][get_data]") {
  nmt::test::TempDir dir;
  const auto corpus = make_toy_corpus(dir);
  nmt::test::write_text(corpus.local + "/train.de", "eine Katze\nder Hund!\n");
  const auto r = run_command(get_data(corpus, dir.file("out")));
  CHECK(r.status != 0);
  CHECK_THAT(r.output,
             Catch::Contains("train.de: sha256 mismatch in " + corpus.local + "/train.de"));
  CHECK_FALSE(fs::exists(dir.file("out/train.de.gz")));
}

TEST_CASE("get_data: a missing required file and an unknown corpus are named",
          "[scripts][get_data]") {
  nmt::test::TempDir dir;
  const auto corpus = make_toy_corpus(dir);
  fs::remove(corpus.local + "/dev.de.gz");
  auto r = run_command(get_data(corpus, dir.file("out")));
  CHECK(r.status != 0);
  CHECK_THAT(r.output, Catch::Contains("dev.de: not found in " + corpus.local));

  r = run_command("'" + kScript + "' nosuchcorpus --to '" + dir.file("out") + "'");
  CHECK(r.status != 0);
  CHECK_THAT(r.output, Catch::Contains("unknown corpus 'nosuchcorpus'"));
  CHECK_THAT(r.output, Catch::Contains("known: multi30k"));
}

TEST_CASE("get_data: the real Multi30K from ../shared, hashes of the shipped manifest",
          "[scripts][get_data][multi30k]") {
  const std::string shared = std::string(NMT_SOURCE_DIR) + "/../shared/data/multi30k";
  REQUIRE(fs::is_directory(shared));  // the multi30k_tests entry is skipped without it
  nmt::test::TempDir out;
  const auto r = run_command("'" + kScript + "' multi30k --from '" + shared + "' --to '" +
                             out.file("m30k") + "'");
  INFO(r.output);
  REQUIRE(r.status == 0);
  CHECK_THAT(r.output, Catch::Contains("6 files in"));
  CHECK(nmt::read_lines(out.file("m30k/train.en.gz")).size() == 29000);
  CHECK(nmt::read_lines(out.file("m30k/val.de.gz")).size() == 1014);
  CHECK(nmt::read_lines(out.file("m30k/test2016.de.gz")).size() == 1000);
}
