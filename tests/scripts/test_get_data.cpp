// scripts/get_data.sh: copies Multi30K from a local folder, checks hashes, rejects a
// corrupted file by name.
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
const std::string kShared = std::string(NMT_SHARED_DIR) + "/data/multi30k";

}  // namespace

TEST_CASE("get_data: a local copy is taken with hashes checked", "[scripts][get_data]") {
  nmt::test::TempDir out;
  const auto r = run_command("'" + kScript + "' multi30k --from '" + kShared + "' --to '" +
                             out.file("m30k") + "'");
  INFO(r.output);
  REQUIRE(r.status == 0);
  CHECK_THAT(r.output, Catch::Contains("test2017.en: not in"));
  CHECK_THAT(r.output, Catch::Contains("6 files in"));
  CHECK(nmt::read_lines(out.file("m30k/train.en.gz")).size() == 29000);
  CHECK(nmt::read_lines(out.file("m30k/val.de.gz")).size() == 1014);
  CHECK(nmt::read_lines(out.file("m30k/test2016.de.gz")).size() == 1000);
}

TEST_CASE("get_data: a corrupted file is rejected with its name", "[scripts][get_data]") {
  nmt::test::TempDir dir;
  const auto local = dir.file("local");
  fs::create_directories(local);
  for (const auto& entry : fs::directory_iterator(kShared)) {
    fs::copy_file(entry.path(), local / entry.path().filename());
  }
  // Replace val.de by a plain-text copy with one line changed.
  auto lines = nmt::read_lines(kShared + "/val.de.gz");
  lines[10] += "!";
  std::string text;
  for (const auto& l : lines) text += l + "\n";
  fs::remove(local + "/val.de.gz");
  nmt::test::write_text(local + "/val.de", text);

  const auto r = run_command("'" + kScript + "' multi30k --from '" + local + "' --to '" +
                             dir.file("out") + "'");
  CHECK(r.status != 0);
  CHECK_THAT(r.output, Catch::Contains("val.de: sha256 mismatch in " + local + "/val.de"));
  CHECK_FALSE(fs::exists(dir.file("out/val.de.gz")));
}
