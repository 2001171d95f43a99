// The queue's batch wait: the clients a search answered are waited for and share the next one, a
// full search (max_sentences) starts without waiting, and a request that finds the worker idle, or
// a single client's, starts at once.
#include <catch2/catch.hpp>
#include <chrono>
#include <future>
#include <thread>

#include "decode/translator.h"
#include "model/cpu_autocast.h"
#include "serve/translation_queue.h"
#include "train/train_fixtures.h"

using nmt::test::TempDir;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

TEST_CASE("serve queue: requests within the batch wait share a search, a full batch does not wait",
          "[serve]") {
  TempDir dir;
  nmt::Translator translator(nmt::test::train_tiny_model(dir));
  const nmt::SearchOptions greedy;

  SECTION("after answering two requests together, it waits up to 2 s for both clients") {
    nmt::TranslationQueue queue(translator, /*batch_size=*/64, /*max_sentences=*/1024,
                                milliseconds(2000));
    // A long search that starts at once; the two requests queued meanwhile share the next one.
    auto busy = std::async(std::launch::async, [&] {
      return queue.translate(std::vector<std::string>(30000, "a b c d e f"), greedy);
    });
    std::this_thread::sleep_for(milliseconds(20));
    const auto client = [&](const std::string& text, int delay_ms) {
      queue.translate({text}, greedy);  // answered together, in the second search
      std::this_thread::sleep_for(milliseconds(delay_ms));
      return queue.translate({text}, greedy);
    };
    auto first = std::async(std::launch::async, client, "a b", 0);
    auto second = std::async(std::launch::async, client, "b c", 100);
    busy.get();
    const auto a = first.get(), b = second.get();
    CHECK(queue.searches() == 3);
    CHECK(queue.sentences() == 30004);
    CHECK(a.front().texts == translator.translate({"a b"}, greedy, 64).front().texts);
    CHECK(b.front().texts == translator.translate({"b c"}, greedy, 64).front().texts);
  }

  SECTION("a single client's requests start at once, however long the wait") {
    nmt::TranslationQueue queue(translator, /*batch_size=*/64, /*max_sentences=*/1024,
                                milliseconds(5000));
    const auto start = Clock::now();
    for (int i = 0; i < 3; ++i) queue.translate({"a b"}, greedy);
    CHECK(seconds_since(start) < 3);
    CHECK(queue.searches() == 3);
  }

  SECTION("max_sentences queued start the search without waiting") {
    nmt::TranslationQueue queue(translator, /*batch_size=*/64, /*max_sentences=*/2,
                                milliseconds(20000));
    const auto start = Clock::now();
    queue.translate({"a b", "b c"}, greedy);
    CHECK(seconds_since(start) < 10);
    CHECK(queue.searches() == 1);
  }

  SECTION("a request that finds the worker idle for longer than the wait starts at once") {
    nmt::TranslationQueue queue(translator, /*batch_size=*/64, /*max_sentences=*/1024,
                                milliseconds(1000));
    std::this_thread::sleep_for(milliseconds(1100));
    const auto start = Clock::now();
    queue.translate({"a b"}, greedy);
    CHECK(seconds_since(start) < 0.8);
  }
}

TEST_CASE("serve queue: several workers answer concurrent callers as one translator would",
          "[serve][workers]") {
  TempDir dir;
  nmt::Translator translator(nmt::test::train_tiny_model(dir));
  nmt::SearchOptions beam;
  beam.beam = 3;
  const std::vector<std::string> lines = {
      "a b", "b c d", "red dog", "cat sun tree", "c", "dog red blue car", "boat", "sun sun"};
  std::vector<std::string> expected;
  for (const auto& line : lines) {
    expected.push_back(translator.translate({line}, beam, 64).front().texts.front());
  }
  int64_t searches = 0;
  {
    nmt::TranslationQueue queue(translator, /*batch_size=*/64, /*max_sentences=*/2, milliseconds(0),
                                /*workers=*/3);
    std::vector<std::future<std::string>> answers;
    for (int round = 0; round < 4; ++round) {
      for (size_t i = 0; i < lines.size(); ++i) {
        answers.push_back(std::async(std::launch::async, [&, i] {
          return queue.translate({lines[i]}, beam).front().texts.front();
        }));
      }
    }
    for (size_t k = 0; k < answers.size(); ++k) {
      CAPTURE(k);
      CHECK(answers[k].get() == expected[k % lines.size()]);
    }
    CHECK(queue.sentences() == 32);
    searches = queue.searches();
  }                       // the workers stop here: leaving the scope must not hang
  CHECK(searches >= 16);  // at most 2 sentences per search
}

TEST_CASE("serve queue: bf16 searches on one worker with a oneDNN before 2.7.1",
          "[serve][precision][workers]") {
  TempDir dir;
  const auto model = nmt::test::train_tiny_model(dir);
  const int version = nmt::onednn_version();
  const bool confined = version != 0 && version < 20701;
  nmt::Translator bf16({model}, {}, torch::kCPU, nmt::Precision::bf16);
  const nmt::TranslationQueue bf16_queue(bf16, 64, 1024, milliseconds(0), 3);
  CHECK(bf16_queue.workers() == (confined ? 1U : 3U));
  nmt::Translator fp32({model}, {}, torch::kCPU, nmt::Precision::fp32);
  const nmt::TranslationQueue fp32_queue(fp32, 64, 1024, milliseconds(0), 3);
  CHECK(fp32_queue.workers() == 3U);
}
