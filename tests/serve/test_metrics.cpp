// GET /metrics: Prometheus' text format (every sample a name, optional labels and a number,
// each metric declared by # TYPE first), with hand-computed histograms, and counters that
// move with the server's requests, errors included.
#include <catch2/catch.hpp>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "serve/metrics.h"
#include "serve/serve_fixtures.h"

namespace {

// The samples of a Prometheus text exposition, by name with labels; REQUIREs its syntax.
std::map<std::string, double> parse_exposition(const std::string& text) {
  static const std::regex sample(
      R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[a-zA-Z_][a-zA-Z0-9_]*="[^"]*"(,[a-zA-Z_][a-zA-Z0-9_]*="[^"]*")*\})? (-?[0-9.eE+-]+|\+Inf)$)");
  static const std::regex type(R"(^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram)$)");
  std::map<std::string, double> samples;
  std::set<std::string> declared;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    INFO(line);
    std::smatch m;
    if (std::regex_match(line, m, type)) {
      declared.insert(m[1]);
      continue;
    }
    if (line.rfind("# HELP ", 0) == 0) continue;
    REQUIRE(std::regex_match(line, m, sample));
    const std::string name = m[1];
    const auto base = std::regex_replace(name, std::regex("_(bucket|sum|count)$"), "");
    CHECK((declared.count(name) + declared.count(base)) > 0);
    samples[name + std::string(m[2])] = std::stod(m[4]);
  }
  return samples;
}

}  // namespace

TEST_CASE("metrics: histograms and counters by hand", "[serve][metrics]") {
  nmt::ServerMetrics metrics;
  metrics.request_answered("/translate", 200, 0.03);
  metrics.request_answered("/translate", 400, 0.001);
  metrics.request_answered("/nowhere", 404, 0.0);
  metrics.searched(3, {0.002, 0.02});
  metrics.searched(64, {0.0});
  metrics.translated(3, 17);
  const auto s = parse_exposition(metrics.text(2));
  CHECK(s.at(R"(nmt_requests_total{path="/translate",status="200"})") == 1);
  CHECK(s.at(R"(nmt_requests_total{path="/translate",status="400"})") == 1);
  CHECK(s.at(R"(nmt_requests_total{path="other",status="404"})") == 1);
  // 0.001 and 0.03 s: 1 at most 0.005, still 1 at 0.025, both from 0.05 on.
  CHECK(s.at(R"(nmt_translate_request_seconds_bucket{le="0.005"})") == 1);
  CHECK(s.at(R"(nmt_translate_request_seconds_bucket{le="0.025"})") == 1);
  CHECK(s.at(R"(nmt_translate_request_seconds_bucket{le="0.05"})") == 2);
  CHECK(s.at(R"(nmt_translate_request_seconds_bucket{le="+Inf"})") == 2);
  CHECK(s.at("nmt_translate_request_seconds_count") == 2);
  CHECK(s.at("nmt_translate_request_seconds_sum") == Approx(0.031));
  // Searches of 3 and 64 sentences: 3 <= 4, 64 <= 64.
  CHECK(s.at(R"(nmt_search_sentences_bucket{le="2"})") == 0);
  CHECK(s.at(R"(nmt_search_sentences_bucket{le="4"})") == 1);
  CHECK(s.at(R"(nmt_search_sentences_bucket{le="32"})") == 1);
  CHECK(s.at(R"(nmt_search_sentences_bucket{le="64"})") == 2);
  CHECK(s.at("nmt_search_sentences_sum") == 67);
  // Waits of 0, 0.002 and 0.02 s: 1 at most 0.001, 2 at 0.0025, 3 from 0.025 on.
  CHECK(s.at(R"(nmt_queue_wait_seconds_bucket{le="0.001"})") == 1);
  CHECK(s.at(R"(nmt_queue_wait_seconds_bucket{le="0.0025"})") == 2);
  CHECK(s.at(R"(nmt_queue_wait_seconds_bucket{le="0.01"})") == 2);
  CHECK(s.at(R"(nmt_queue_wait_seconds_bucket{le="0.025"})") == 3);
  CHECK(s.at("nmt_queue_wait_seconds_count") == 3);
  CHECK(s.at("nmt_queue_wait_seconds_sum") == Approx(0.022));
  CHECK(s.at("nmt_queued_requests") == 2);
  CHECK(s.at("nmt_sentences_total") == 3);
  CHECK(s.at("nmt_target_tokens_total") == 17);
}

TEST_CASE("metrics: GET /metrics counts the server's requests and errors", "[serve][metrics]") {
  nmt::test::TempDir dir;
  nmt::test::ServedModel served(dir);
  auto client = served.client();
  const auto ok = client.Post("/translate", R"({"text": ["red dog", "cat sun"], "beam": 1})",
                              "application/json");
  REQUIRE(ok);
  REQUIRE(ok->status == 200);
  const auto bad = client.Post("/translate", "{not json", "application/json");
  REQUIRE(bad);
  CHECK(bad->status == 400);
  REQUIRE(client.Get("/nowhere"));

  const auto first = client.Get("/metrics");
  REQUIRE(first);
  REQUIRE(first->status == 200);
  CHECK(first->get_header_value("Content-Type").rfind("text/plain", 0) == 0);
  const auto before = parse_exposition(first->body);
  CHECK(before.at(R"(nmt_requests_total{path="/translate",status="200"})") == 1);
  CHECK(before.at(R"(nmt_requests_total{path="/translate",status="400"})") == 1);
  CHECK(before.at(R"(nmt_requests_total{path="other",status="404"})") == 1);
  CHECK(before.at("nmt_translate_request_seconds_count") == 2);
  CHECK(before.at("nmt_sentences_total") == 2);
  CHECK(before.at("nmt_target_tokens_total") >= 2);  // each translation ends with </s> at least
  CHECK(before.at("nmt_search_sentences_count") == 1);
  CHECK(before.at("nmt_search_sentences_sum") == 2);
  CHECK(before.at("nmt_queue_wait_seconds_count") == 1);  // the one request that was searched
  CHECK(before.at("nmt_queued_requests") == 0);

  REQUIRE(client.Post("/translate", R"({"text": ["blue"]})", "application/json")->status == 200);
  const auto after = parse_exposition(client.Get("/metrics")->body);
  CHECK(after.at(R"(nmt_requests_total{path="/translate",status="200"})") == 2);
  CHECK(after.at(R"(nmt_requests_total{path="/metrics",status="200"})") == 1);
  CHECK(after.at("nmt_sentences_total") == 3);
  CHECK(after.at("nmt_search_sentences_count") == 2);
  CHECK(after.at("nmt_target_tokens_total") > before.at("nmt_target_tokens_total"));
}

TEST_CASE("metrics: nmt serve --log-requests logs a line per request", "[serve][metrics]") {
  nmt::test::TempDir dir;
  const auto model = nmt::test::train_tiny_model(dir);
  nmt::test::ServeProcess serve(dir, model, "--log-requests");
  {
    httplib::Client client("127.0.0.1", serve.port());
    const auto translated =
        client.Post("/translate", R"({"text": ["red dog"]})", "application/json");
    REQUIRE(translated);
    CHECK(translated->status == 200);
    const auto missing = client.Get("/nowhere");
    REQUIRE(missing);
    CHECK(missing->status == 404);
  }
  serve.signal("TERM");
  CHECK(serve.wait(30) == 0);
  const auto log = serve.log();
  INFO(log);
  // Line by line: libstdc++'s std::regex runs out of memory on a whole log.
  int translate_lines = 0, missing_lines = 0;
  std::istringstream lines(log);
  const std::regex translate_line(
      R"(.*debug \[serve\] POST /translate 200 [0-9.]+ ms 127\.0\.0\.1:[0-9]+)");
  const std::regex missing_line(
      R"(.*debug \[serve\] GET /nowhere 404 [0-9.]+ ms 127\.0\.0\.1:[0-9]+)");
  for (std::string line; std::getline(lines, line);) {
    translate_lines += std::regex_match(line, translate_line) ? 1 : 0;
    missing_lines += std::regex_match(line, missing_line) ? 1 : 0;
  }
  CHECK(translate_lines == 1);
  CHECK(missing_lines == 1);
}
