// What `GET /metrics` of `nmt serve` reports, in Prometheus' text format (version 0.0.4):
// requests answered by path and status, the time from a request's head to its answer, the
// requests waiting for a search and how long each waited, the sentences of each search (several
// requests share one), and the sentences and target tokens translated. Thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace nmt {

class ServerMetrics {
 public:
  /// One answered request: `path` (one of the server's, else counted as "other"), its HTTP
  /// status, and the seconds from its head to its answer.
  void request_answered(const std::string& path, int status, double seconds);
  /// One search of `sentences` sentences, shared by requests that waited `waited_seconds` each
  /// in the queue.
  void searched(int64_t sentences, const std::vector<double>& waited_seconds);
  /// One request's translations: `sentences` and their best hypotheses' `target_tokens`.
  void translated(int64_t sentences, int64_t target_tokens);
  /// The text of GET /metrics, with `queued_requests` waiting now.
  std::string text(int64_t queued_requests) const;

 private:
  // Prometheus' cumulative histogram: observations <= each bound, then their count and sum.
  template <size_t N>
  struct Histogram {
    std::array<double, N> bounds;
    std::array<int64_t, N> at_most{};
    int64_t count = 0;
    double sum = 0;
    void observe(double value);
    void write(std::string& out, const std::string& name, const char* help) const;
  };

  mutable std::mutex mutex_;
  std::map<std::pair<std::string, int>, int64_t> requests_;
  Histogram<11> seconds_{{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}};
  Histogram<11> search_sentences_{{1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024}};
  Histogram<11> queue_seconds_{{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5}};
  int64_t sentences_ = 0, target_tokens_ = 0;
};

}  // namespace nmt
