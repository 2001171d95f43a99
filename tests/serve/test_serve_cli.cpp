// `nmt serve` as a process: SIGTERM answers the request in flight and exits 0, a port in use is
// one error line; and the page in a real headless browser (Debian's chromium): a sentence given
// to it is translated and its attention drawn with one cell per source x target piece.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <future>
#include <map>
#include <regex>

#include "serve/serve_fixtures.h"
#include "support/one_line_error.h"

using nlohmann::json;
using nmt::test::quoted;
using nmt::test::ServeProcess;
using nmt::test::TempDir;

TEST_CASE("serve: SIGTERM answers the request in flight and exits 0", "[serve][cli]") {
  TempDir dir;
  const auto model = nmt::test::train_tiny_model(dir);
  ServeProcess serve(dir, model, "--threads 1 --max-sentences 1000");

  const auto taken = nmt::test::run_nmt("serve --model " + quoted(model) + " --port " +
                                        std::to_string(serve.port()));
  CHECK_THAT(nmt::test::require_one_line_error(taken),
             Catch::Contains("cannot listen on 127.0.0.1:" + std::to_string(serve.port())));

  // Long enough (a few hundred sentences, beam 8) to be in flight when the signal comes.
  std::vector<std::string> lines;
  for (int i = 0; i < 400; ++i) lines.push_back(i % 2 ? "red dog cat sun tree" : "boat car blue");
  auto answer = std::async(std::launch::async, [&] {
    httplib::Client client("127.0.0.1", serve.port());
    client.set_read_timeout(120, 0);
    return client.Post("/translate", json{{"text", lines}, {"beam", 8}}.dump(), "application/json");
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  serve.signal("TERM");
  const auto res = answer.get();
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(json::parse(res->body)["translations"].size() == lines.size());
  INFO(serve.log());
  CHECK(serve.wait(60) == 0);
  CHECK_THAT(serve.log(), Catch::Contains("answering the requests in flight"));
}

TEST_CASE("serve: SIGTERM with 150 clients connected answers every one of them",
          "[serve][cli][slow]") {
  TempDir dir;
  const auto model = nmt::test::train_tiny_model(dir);
  // 64 connections served at once: the others wait in the queue.
  ServeProcess serve(dir, model, "--threads 1 --connections 64");
  const auto body =
      json{{"text", std::vector<std::string>(8, "red dog cat sun tree")}, {"beam", 8}}.dump();
  constexpr int kClients = 150;
  std::vector<std::future<int>> answers;
  for (int c = 0; c < kClients; ++c) {
    answers.push_back(std::async(std::launch::async, [&] {
      httplib::Client client("127.0.0.1", serve.port());
      client.set_read_timeout(120, 0);
      const auto res = client.Post("/translate", body, "application/json");
      return res ? res->status : -static_cast<int>(res.error());
    }));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  serve.signal("TERM");
  std::map<int, int> statuses;  // HTTP status (or -httplib::Error) -> clients
  for (auto& answer : answers) ++statuses[answer.get()];
  INFO(serve.log());
  CHECK(statuses == std::map<int, int>{{200, kClients}});
  CHECK(serve.wait(60) == 0);
}

TEST_CASE("serve: 70 clients sending a header line a second cannot starve /health",
          "[serve][cli][slow]") {
  TempDir dir;
  const auto model = nmt::test::train_tiny_model(dir);
  ServeProcess serve(dir, model, "--threads 1 --head-timeout 2 --connections 64");
  std::vector<int> slow;
  for (int i = 0; i < 70; ++i) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(serve.port()));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    const std::string head = "GET /health HTTP/1.1\r\nHost: x\r\n";
    REQUIRE(::send(fd, head.data(), head.size(), MSG_NOSIGNAL) > 0);
    slow.push_back(fd);
  }
  // A header line a second from each, for 20 s: within httplib's 5 s per read.
  std::atomic<bool> done{false};
  std::thread trickle([&] {
    for (int second = 0; second < 20 && !done; ++second) {
      std::this_thread::sleep_for(std::chrono::seconds(1));
      for (const int fd : slow) ::send(fd, "X-Slow: 1\r\n", 11, MSG_NOSIGNAL);
    }
  });
  const auto start = std::chrono::steady_clock::now();
  httplib::Client client("127.0.0.1", serve.port());
  client.set_read_timeout(30, 0);
  const auto health = client.Get("/health");
  const double waited =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  done = true;
  trickle.join();
  for (const int fd : slow) ::close(fd);
  INFO(serve.log());
  REQUIRE(health);
  CHECK(health->status == 200);
  CHECK(waited < 10);  // the 2 s head timeout, the watch's 1 s round, and a busy machine
  CHECK_THAT(serve.log(), Catch::Contains("no complete request within 2 s; connection closed"));
}

TEST_CASE("serve: the page in a headless browser translates, draws the attention and a PNG",
          "[serve][browser][slow]") {
  TempDir dir;
  const auto model = nmt::test::train_tiny_model(dir);
  ServeProcess serve(dir, model);
  const std::string sentence = "red dog cat";
  httplib::Client client("127.0.0.1", serve.port());
  const auto api =
      client.Post("/translate", json{{"text", {sentence}}, {"beam", 5}}.dump(), "application/json");
  REQUIRE(api);
  const auto want = json::parse(api->body)["translations"][0];

  const auto url = "http://127.0.0.1:" + std::to_string(serve.port()) + "/#text=red%20dog%20cat";
  const auto browser = nmt::test::run_command(
      "timeout 120 chromium --headless --no-sandbox --disable-gpu --user-data-dir=" +
      quoted(dir.file("chromium")) + " --virtual-time-budget=20000 --dump-dom " + quoted(url) +
      " 2>" + quoted(dir.file("chromium.log")));
  INFO(nmt::test::read_text(dir.file("chromium.log")));
  REQUIRE(browser.status == 0);
  const auto& dom = browser.output;
  INFO(dom);
  CHECK(dom.find("data-state=\"translated\"") != std::string::npos);
  // The translation, as the API gives it, in the first hypothesis of the list.
  const std::regex first(R"(<li class="hypothesis[^"]*">([^<]*)<span class="score">)");
  std::smatch m;
  REQUIRE(std::regex_search(dom, m, first));
  CHECK(m[1].str() == want["text"].get<std::string>());
  // One heatmap cell per (target piece, source piece), each with its weight as a tooltip.
  size_t cells = 0, titled = 0;
  const std::regex cell(R"(<rect class="cell"[^>]*><title>[^<]*: ([0-9.]+)</title>)");
  for (auto it = std::sregex_iterator(dom.begin(), dom.end(), cell); it != std::sregex_iterator();
       ++it) {
    ++titled;
  }
  for (auto at = dom.find("<rect class=\"cell\""); at != std::string::npos;
       at = dom.find("<rect class=\"cell\"", at + 1)) {
    ++cells;
  }
  CHECK(cells == want["source_pieces"].size() * want["target_pieces"].size());
  CHECK(titled == cells);
  std::string source = "source:";  // as the DOM serialises it: "</s>" escaped
  for (const auto& p : want["source_pieces"]) {
    source +=
        " " + std::regex_replace(std::regex_replace(p.get<std::string>(), std::regex("<"), "&lt;"),
                                 std::regex(">"), "&gt;");
  }
  CHECK(dom.find(source) != std::string::npos);

  // The page drawn (as the README's picture is made): a PNG of the window's size.
  const auto png = dir.file("page.png");
  const auto shot = nmt::test::run_command(
      "timeout 120 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars "
      "--user-data-dir=" +
      quoted(dir.file("chromium")) +
      " --virtual-time-budget=20000 --window-size=900,700 "
      "--screenshot=" +
      quoted(png) + " " + quoted(url));
  INFO(shot.output);
  REQUIRE(shot.status == 0);
  const auto image = nmt::test::read_text(png);
  REQUIRE(image.size() > 24);
  CHECK(image.substr(0, 8) == "\x89PNG\r\n\x1a\n");
  const auto big_endian = [&](size_t at) {
    uint32_t value = 0;
    for (size_t i = 0; i < 4; ++i) value = value << 8 | static_cast<unsigned char>(image[at + i]);
    return value;
  };
  CHECK(big_endian(16) == 900);  // IHDR: width, then height
  CHECK(big_endian(20) == 700);
  serve.signal("TERM");
  CHECK(serve.wait(60) == 0);
}
