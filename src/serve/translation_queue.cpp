#include "serve/translation_queue.h"

#include <ATen/Parallel.h>

#include <algorithm>

namespace nmt {
namespace {

bool same_search(const SearchOptions& a, const SearchOptions& b) {
  return a.beam == b.beam && a.alpha == b.alpha && a.max_len_a == b.max_len_a &&
         a.max_len_b == b.max_len_b && a.nbest == b.nbest && a.attention == b.attention;
}

}  // namespace

TranslationQueue::TranslationQueue(Translator& translator, int64_t batch_size, size_t max_sentences,
                                   std::chrono::milliseconds batch_wait, int workers,
                                   std::function<void(const SearchStart&)> searched)
    : translator_(translator),
      batch_size_(batch_size),
      max_sentences_(max_sentences),
      batch_wait_(batch_wait),
      searched_(std::move(searched)),
      search_threads_(translator_.usable_workers(workers)),
      dispatcher_([this] { run(); }) {}

TranslationQueue::~TranslationQueue() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  dispatcher_.join();
}

std::vector<Translation> TranslationQueue::translate(std::vector<std::string> lines,
                                                     const SearchOptions& options) {
  Job job{std::move(lines), options, std::chrono::steady_clock::now(), {}};
  auto done = job.done.get_future();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    queue_.push_back(&job);
  }
  wake_.notify_one();
  return done.get();
}

int64_t TranslationQueue::searches() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return searches_;
}

int64_t TranslationQueue::sentences() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return sentences_;
}

int64_t TranslationQueue::queued_requests() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return static_cast<int64_t>(queue_.size());
}

size_t TranslationQueue::queued_sentences() const {
  size_t sentences = 0;
  for (const auto* job : queue_) sentences += job->lines.size();
  return sentences;
}

// The oldest job, and every later one with the same search while the sentences fit.
std::vector<TranslationQueue::Job*> TranslationQueue::take_batch() {
  std::vector<Job*> batch = {queue_.front()};
  queue_.pop_front();
  size_t sentences = batch.front()->lines.size();
  for (auto it = queue_.begin(); it != queue_.end();) {
    if (same_search((*it)->options, batch.front()->options) &&
        sentences + (*it)->lines.size() <= max_sentences_) {
      sentences += (*it)->lines.size();
      batch.push_back(*it);
      it = queue_.erase(it);
    } else {
      ++it;
    }
  }
  return batch;
}

void TranslationQueue::run() {
  // OpenMP's thread count is per thread: this one takes the count the process set (--threads).
  at::init_num_threads();
  auto idle_since = std::chrono::steady_clock::now();
  size_t answered = 0;  // requests the last search answered
  for (;;) {
    std::vector<Job*> batch;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      // Up to `batch_wait` after a search, for as many requests as it answered: its clients'
      // next ones. A request that finds the queue idle, or all of them back, starts at once.
      wake_.wait_until(lock, idle_since + batch_wait_, [&] {
        return stopping_ || queue_.size() >= answered || queued_sentences() >= max_sentences_;
      });
      if (queue_.empty()) return;  // stopping, and nothing left to translate
      batch = take_batch();
    }
    std::vector<std::string> lines;
    SearchStart start;
    const auto now = std::chrono::steady_clock::now();
    for (const auto* job : batch) {
      lines.insert(lines.end(), job->lines.begin(), job->lines.end());
      start.waited_seconds.push_back(std::chrono::duration<double>(now - job->queued).count());
    }
    start.sentences = static_cast<int64_t>(lines.size());
    if (searched_) searched_(start);
    try {
      // Every search thread takes a share of the length-sorted batches: one search of all the
      // sentences queued is faster than one per thread, because its batches are sorted from
      // more sentences (bench/RESULTS.md, "Serving"). The batches are of equal size, a whole
      // number of them per thread, so that the threads finish together.
      const auto sentences = static_cast<int64_t>(lines.size());
      const auto rounds =
          (sentences + search_threads_ * batch_size_ - 1) / (search_threads_ * batch_size_);
      const auto batches = std::max<int64_t>(1, rounds * search_threads_);  // 0 sentences: 1
      const auto each = std::max<int64_t>(1, (sentences + batches - 1) / batches);
      auto results = translator_.translate(lines, batch.front()->options, each, search_threads_);
      {
        std::lock_guard<std::mutex> lock(mutex_);
        ++searches_;
        sentences_ += static_cast<int64_t>(lines.size());
      }
      size_t first = 0;
      for (auto* job : batch) {
        const auto n = job->lines.size();
        job->done.set_value({std::make_move_iterator(results.begin() + first),
                             std::make_move_iterator(results.begin() + first + n)});
        first += n;
      }
    } catch (...) {
      for (auto* job : batch) job->done.set_exception(std::current_exception());
    }
    idle_since = std::chrono::steady_clock::now();
    answered = batch.size();
  }
}

}  // namespace nmt
