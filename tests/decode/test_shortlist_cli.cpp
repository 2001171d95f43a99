// `nmt shortlist` and `nmt translate --shortlist` as a user runs them, on a tiny model trained
// on a corpus whose target is its source reversed: every piece translates into itself.
#include <catch2/catch.hpp>
#include <set>

#include "data/corpus.h"
#include "data/lexicon.h"
#include "data/vocab.h"
#include "support/one_line_error.h"
#include "support/run_command.h"
#include "train/train_fixtures.h"

using nmt::test::run_command;
using nmt::test::run_nmt;

TEST_CASE("shortlist: `nmt shortlist` learns the lexicon that `translate --shortlist` reads",
          "[decode][shortlist][cli]") {
  nmt::test::TempDir dir;
  const auto model = nmt::test::train_tiny_model(dir);
  const auto made = run_nmt("shortlist --model '" + model + "' --keep 3 --iterations 20");
  INFO(made.output);
  REQUIRE(made.status == 0);
  const auto file = model + "/shortlist.tsv";
  const nmt::Vocab vocab(model + "/spm.model");
  const auto lexicon = nmt::read_lexicon(file, vocab, vocab);
  CHECK(nmt::lexicon_text(lexicon, vocab, vocab) == nmt::test::read_text(file));
  CHECK(!lexicon.frequent.empty());
  // Word order aside, the corpus pairs every word with itself. A whole-word piece (`▁dog`)
  // occurs on both sides exactly together, so it translates into itself; character pieces that
  // always come together (`r` with two `e` of `tree`) are not told apart by any lexicon.
  const std::set<std::string> words = {"▁red", "▁blue", "▁cat", "▁dog",
                                       "▁sun", "▁tree", "▁car", "▁boat"};
  int whole_words = 0;
  for (size_t s = 0; s < lexicon.translations.size(); ++s) {
    const auto& entries = lexicon.translations[s];
    const auto piece = vocab.piece(static_cast<int>(s));
    CAPTURE(piece);
    CHECK(entries.size() <= 3);  // --keep
    if (words.count(piece) == 0) continue;
    ++whole_words;
    REQUIRE(!entries.empty());
    CHECK(vocab.piece(entries.front().first) == piece);
    CHECK(entries.front().second > 0.5);
  }
  CHECK(whole_words >= 4);

  nmt::test::write_text(dir.file("in.txt"), "red dog\n\ncat sun tree\n");
  const auto translate = "translate --model '" + model + "' --input '" + dir.file("in.txt") + "'";
  const auto shortlisted = run_nmt(translate + " --beam 3 --shortlist --shortlist-per-source 2");
  INFO(shortlisted.output);
  REQUIRE(shortlisted.status == 0);
  CHECK_THAT(shortlisted.output, Catch::Contains("shortlist " + file +
                                                 ": 2 translations per "
                                                 "source piece and 100 frequent pieces"));

  SECTION("a model without a shortlist, or a damaged one, is one error line") {
    const auto whole = nmt::test::read_text(file);
    // Cut short after a line of its own, and empty: no end line.
    nmt::test::write_text(file, whole.substr(0, whole.find('\n', whole.size() / 2) + 1));
    CHECK_THAT(nmt::test::require_one_line_error(run_nmt(translate + " --shortlist")),
               Catch::Contains(file + ": incomplete"));
    nmt::test::write_text(file, "");
    CHECK_THAT(nmt::test::require_one_line_error(run_nmt(translate + " --shortlist")),
               Catch::Contains(file + ": incomplete"));
    nmt::test::write_text(file, "# comment\n# end of the shortlist\n");
    CHECK_THAT(nmt::test::require_one_line_error(run_nmt(translate + " --shortlist")),
               Catch::Contains(file + ": no entries"));
    std::filesystem::remove(file);
    CHECK_THAT(nmt::test::require_one_line_error(run_nmt(translate + " --shortlist")),
               Catch::Contains("--shortlist: " + file +
                               " does not exist (make it with `nmt "
                               "shortlist --model " +
                               model + "`)"));
    nmt::test::write_text(file, "# comment\n\tred\t0.5\nred\tnot-a-piece\t0.1\n");
    CHECK_THAT(nmt::test::require_one_line_error(run_nmt(translate + " --shortlist")),
               Catch::Contains(file + ":2: target piece 'red' is not in the subword model"));
    nmt::test::write_text(file, "\t</s>\t0.5\n\t</s>\n");
    CHECK_THAT(nmt::test::require_one_line_error(run_nmt(translate + " --shortlist")),
               Catch::Contains(file + ":2: expected 3 tab-separated fields"));
    nmt::test::write_text(file, "\t</s>\t1.5\n");
    CHECK_THAT(nmt::test::require_one_line_error(run_nmt(translate + " --shortlist")),
               Catch::Contains(file + ":1: probability '1.5' is not a number in [0, 1]"));
  }
  SECTION("a training corpus that is not there is one error line") {
    CHECK_THAT(nmt::test::require_one_line_error(
                   run_nmt("shortlist --model '" + model + "' --train '" + dir.file("nope") + "'")),
               Catch::Contains("--train"));
  }
}
