// The folders of src/ depend one way: common at the bottom knows none of the others; cli at
// the top may use them all, and api (the library's entry point) those below train. Every `#include
// "folder/..."` is checked against that order.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>

#include "test_paths.h"

namespace fs = std::filesystem;

TEST_CASE("layering: every include points down the folder order", "[scripts][layering]") {
  const std::set<std::string> below_train = {"common", "data", "attention",
                                             "model",  "eval", "decode"};
  std::map<std::string, std::set<std::string>> may_use = {
      {"common", {}},
      {"data", {"common"}},
      {"attention", {"common"}},
      {"eval", {"common"}},
      {"model", {"common", "data", "attention"}},
      {"decode", {"common", "data", "attention", "model", "eval"}},
      {"train", below_train},
      {"lab", {"common", "data", "attention", "model", "eval", "decode", "train"}},
      {"serve", below_train},
      {"plugins", {"data"}},
  };
  // api: the library's entry point (include/nmt/nmt.h, its one public header, is "nmt/").
  may_use["api"] = below_train;
  may_use["api"].insert("nmt");
  may_use["cli"] = below_train;
  for (const auto* top : {"train", "lab", "serve", "api"}) may_use["cli"].insert(top);

  const std::regex include(R"(^\s*#\s*include\s+"([a-z_]+)/)");
  int includes = 0;
  std::string violations;
  for (const auto& entry : fs::recursive_directory_iterator(fs::path(NMT_SOURCE_DIR) / "src")) {
    if (!entry.is_regular_file()) continue;
    const auto folder = entry.path().parent_path().filename().string();
    if (folder == "src") continue;  // pch.h
    INFO(entry.path());
    REQUIRE(may_use.count(folder));  // a new folder needs its place in the order here
    std::ifstream in(entry.path());
    for (std::string line; std::getline(in, line);) {
      std::smatch m;
      if (!std::regex_search(line, m, include)) continue;
      ++includes;
      const std::string used = m[1];
      if (used != folder && !may_use.at(folder).count(used)) {
        violations += entry.path().lexically_relative(NMT_SOURCE_DIR).string() + ": " + line + "\n";
      }
    }
  }
  CHECK(includes > 100);
  CHECK(violations == "");
}
