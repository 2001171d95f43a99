#include "serve/metrics.h"

#include <fmt/format.h>

namespace nmt {
namespace {

const char* known_path(const std::string& path) {
  for (const char* known : {"/", "/translate", "/health", "/model", "/metrics"}) {
    if (path == known) return known;
  }
  return "other";
}

void header(std::string& out, const std::string& name, const char* type, const char* help) {
  out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

}  // namespace

template <size_t N>
void ServerMetrics::Histogram<N>::observe(double value) {
  for (size_t i = 0; i < N; ++i) at_most[i] += value <= bounds[i] ? 1 : 0;
  ++count;
  sum += value;
}

template <size_t N>
void ServerMetrics::Histogram<N>::write(std::string& out, const std::string& name,
                                        const char* help) const {
  header(out, name, "histogram", help);
  for (size_t i = 0; i < N; ++i) {
    out += fmt::format("{}_bucket{{le=\"{}\"}} {}\n", name, bounds[i], at_most[i]);
  }
  out += fmt::format("{}_bucket{{le=\"+Inf\"}} {}\n{}_sum {}\n{}_count {}\n", name, count, name,
                     sum, name, count);
}

void ServerMetrics::request_answered(const std::string& path, int status, double seconds) {
  const std::lock_guard<std::mutex> lock(mutex_);
  ++requests_[{known_path(path), status}];
  if (path == "/translate") seconds_.observe(seconds);
}

void ServerMetrics::searched(int64_t sentences, const std::vector<double>& waited_seconds) {
  const std::lock_guard<std::mutex> lock(mutex_);
  search_sentences_.observe(static_cast<double>(sentences));
  for (const double seconds : waited_seconds) queue_seconds_.observe(seconds);
}

void ServerMetrics::translated(int64_t sentences, int64_t target_tokens) {
  const std::lock_guard<std::mutex> lock(mutex_);
  sentences_ += sentences;
  target_tokens_ += target_tokens;
}

std::string ServerMetrics::text(int64_t queued_requests) const {
  const std::lock_guard<std::mutex> lock(mutex_);
  std::string out;
  header(out, "nmt_requests_total", "counter", "HTTP requests answered, by path and status.");
  for (const auto& [key, count] : requests_) {
    out += fmt::format("nmt_requests_total{{path=\"{}\",status=\"{}\"}} {}\n", key.first,
                       key.second, count);
  }
  seconds_.write(out, "nmt_translate_request_seconds",
                 "Seconds from the head of a request to /translate to its answer.");
  header(out, "nmt_queued_requests", "gauge", "Requests to /translate waiting for a search.");
  out += fmt::format("nmt_queued_requests {}\n", queued_requests);
  queue_seconds_.write(out, "nmt_queue_wait_seconds",
                       "Seconds a request to /translate waited in the queue for its search to "
                       "start.");
  search_sentences_.write(out, "nmt_search_sentences",
                          "Sentences per search (the requests that share it together).");
  header(out, "nmt_sentences_total", "counter", "Sentences translated.");
  out += fmt::format("nmt_sentences_total {}\n", sentences_);
  header(out, "nmt_target_tokens_total", "counter",
         "Target tokens of the best translations, </s> included.");
  out += fmt::format("nmt_target_tokens_total {}\n", target_tokens_);
  return out;
}

}  // namespace nmt
