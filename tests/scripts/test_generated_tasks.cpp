// The generated tasks with known alignments (scripts/make_dates.sh, scripts/make_reverse.sh):
// every pair's gold alignment links each word once, inside the sentence, and consistently: an
// English word is always linked to the same German word, which a wrong link would break.
#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <sstream>

#include "data/corpus.h"
#include "eval/alignment.h"
#include "support/run_command.h"
#include "support/temp_dir.h"
#include "test_paths.h"

namespace {

std::vector<std::string> words_of(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

// Checks the test split of a task made by `script`; returns the number of pairs whose
// alignment is not monotone (some link crosses another) and, through `anti_diagonal`, how many
// link every source word i of n to target word n - 1 - i.
int check_task(const std::string& script, int* anti_diagonal = nullptr) {
  nmt::test::TempDir dir;
  const auto made = nmt::test::run_command("bash '" + std::string(NMT_SOURCE_DIR) + "/scripts/" +
                                           script + "' '" + dir.file("task") + "'");
  INFO(made.output);
  REQUIRE(made.status == 0);
  const auto en = nmt::read_lines(dir.file("task/test.en"));
  const auto de = nmt::read_lines(dir.file("task/test.de"));
  const auto gold = nmt::read_lines(dir.file("task/test.align"));
  REQUIRE(en.size() == 300);
  REQUIRE(de.size() == 300);
  REQUIRE(gold.size() == 300);
  CHECK(nmt::read_lines(dir.file("task/train.en")).size() == 20000);
  std::map<std::string, std::string> translation;
  int crossing = 0;
  for (size_t i = 0; i < gold.size(); ++i) {
    INFO(script << " line " << i + 1 << ": " << en[i] << " -> " << de[i] << " : " << gold[i]);
    const auto source = words_of(en[i]), target = words_of(de[i]);
    const auto links = nmt::parse_pharaoh(gold[i], "gold").sure;
    REQUIRE(links.size() == source.size());
    REQUIRE(source.size() == target.size());
    std::set<int64_t> sources, targets;
    bool monotone = true;
    int64_t last_target = -1;
    for (const auto& [s, t] : links) {  // ordered by source word
      REQUIRE(s < static_cast<int64_t>(source.size()));
      REQUIRE(t < static_cast<int64_t>(target.size()));
      sources.insert(s);
      targets.insert(t);
      monotone = monotone && t > last_target;
      last_target = t;
      const auto [known, added] = translation.emplace(source[s], target[t]);
      CHECK(known->second == target[t]);
    }
    CHECK(sources.size() == source.size());
    CHECK(targets.size() == target.size());
    crossing += monotone ? 0 : 1;
    const auto n = static_cast<int64_t>(source.size());
    const bool reversed = std::all_of(links.begin(), links.end(), [n](const auto& link) {
      return link.second == n - 1 - link.first;
    });
    if (anti_diagonal && reversed) ++*anti_diagonal;
  }
  return crossing;
}

}  // namespace

TEST_CASE("generated tasks: the dates' gold alignment swaps day and month",
          "[scripts][alignment]") {
  CHECK(check_task("make_dates.sh") == 300);  // every date has the swap
}

TEST_CASE("generated tasks: the reversed task's gold alignment is the anti-diagonal",
          "[scripts][alignment]") {
  int anti_diagonal = 0;
  CHECK(check_task("make_reverse.sh", &anti_diagonal) == 300);  // three words or more
  CHECK(anti_diagonal == 300);
}
