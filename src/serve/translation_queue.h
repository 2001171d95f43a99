// Searches on one model for many callers: requests wait in a queue, and those that ask for the
// same search are translated together, their sentences in one list that the translator sorts by
// length into batches, which the search threads share. Many small requests so approach the
// throughput of translating a file: the more sentences a search sorts, the less padding its
// batches carry. After each search the queue waits a moment (`batch_wait`) for the callers it has
// just answered to send their next request: without it, N busy clients settle into two groups
// that alternate, each search serving half of them (the dynamic batching of inference servers such
// as Triton, whose max queue delay this is).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "decode/search.h"
#include "decode/translator.h"

namespace nmt {

/// A search as it starts: its sentences, and how long each of the requests that share it waited
/// in the queue.
struct SearchStart {
  int64_t sentences = 0;
  std::vector<double> waited_seconds;  // one per request
};

class TranslationQueue {
 public:
  /// Searches with `translator` on `workers` threads (translator.usable_workers(workers)), at most
  /// `max_sentences` sentences at once (more when one request alone has more), in batches of
  /// `batch_size` or fewer, so that every thread gets one. A search starts once as many requests
  /// are queued as the previous one answered, or `max_sentences` sentences, or `batch_wait` has
  /// passed since the previous search ended: a single client never waits.
  /// `searched`, if set, is told of each search as it starts (from the queue's thread).
  TranslationQueue(Translator& translator, int64_t batch_size, size_t max_sentences,
                   std::chrono::milliseconds batch_wait = std::chrono::milliseconds(0),
                   int workers = 1, std::function<void(const SearchStart&)> searched = {});
  /// Translates what is queued, then stops the threads.
  ~TranslationQueue();
  TranslationQueue(const TranslationQueue&) = delete;
  TranslationQueue& operator=(const TranslationQueue&) = delete;

  /// Blocks until `lines` are translated (in order); callable from any thread. Rethrows what
  /// the translator threw.
  std::vector<Translation> translate(std::vector<std::string> lines, const SearchOptions& options);

  /// Searches run and sentences translated so far.
  int64_t searches() const;
  size_t workers() const { return static_cast<size_t>(search_threads_); }  // threads searching
  int64_t sentences() const;
  int64_t queued_requests() const;  // waiting for a search now

 private:
  struct Job {
    std::vector<std::string> lines;
    SearchOptions options;
    std::chrono::steady_clock::time_point queued;
    std::promise<std::vector<Translation>> done;
  };
  void run();
  std::vector<Job*> take_batch();   // with the lock held
  size_t queued_sentences() const;  // with the lock held

  Translator& translator_;
  const int64_t batch_size_;
  const size_t max_sentences_;
  const std::chrono::milliseconds batch_wait_;
  const std::function<void(const SearchStart&)> searched_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job*> queue_;
  bool stopping_ = false;
  int64_t searches_ = 0, sentences_ = 0;
  const int64_t search_threads_;
  std::thread dispatcher_;  // last: it starts once everything above exists
};

}  // namespace nmt
