// Test support for the server: a tiny trained model served in this process on a free loopback
// port, and what nmt::Translator says of the same sentences, to compare answers against.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "decode/translator.h"
#include "serve/http.h"
#include "serve/server.h"
#include "train/train_fixtures.h"

namespace nmt::test {

class ServedModel {
 public:
  explicit ServedModel(const TempDir& dir, ServerOptions options = {})
      : model_dir_(train_tiny_model(dir)),
        translator_(model_dir_),
        server_(translator_, nlohmann::json{{"models", {model_dir_}}}, with_any_port(options)),
        thread_([this] { server_.run(); }) {
    httplib::Client probe("127.0.0.1", server_.port());
    for (int i = 0; i < 200 && !probe.Get("/health"); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  ~ServedModel() {
    server_.stop();
    thread_.join();
  }

  int port() const { return server_.port(); }
  const std::string& model_dir() const { return model_dir_; }
  Translator& translator() { return translator_; }
  TranslationServer& server() { return server_; }
  httplib::Client client() const {
    httplib::Client c("127.0.0.1", server_.port());
    c.set_read_timeout(60, 0);
    return c;
  }

 private:
  static ServerOptions with_any_port(ServerOptions o) {
    o.port = 0;
    return o;
  }
  std::string model_dir_;
  Translator translator_;
  TranslationServer server_;
  std::thread thread_;
};

}  // namespace nmt::test

namespace nmt::test {

/// `nmt serve --model MODEL --port 0 ARGS` running in the background, its output in dir/serve.log.
class ServeProcess {
 public:
  ServeProcess(const TempDir& dir, const std::string& model, const std::string& args = "")
      : dir_(dir) {
    const auto started = run_command(
        "( " + nmt_binary() + " serve --model " + quoted(model) + " --port 0 " + args + " 2>" +
        quoted(dir.file("serve.log")) + " & echo $! >" + quoted(dir.file("serve.pid")) +
        "; wait $!; echo $? >" + quoted(dir.file("serve.status")) + " ) >/dev/null 2>&1 &");
    REQUIRE(started.status == 0);
    const std::string mark = "listening on http://127.0.0.1:";
    for (int i = 0; i < 600 && port_ == 0; ++i) {  // up to 60 s on a busy machine
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      const auto log = read_text(dir.file("serve.log"));
      const auto at = log.find(mark);
      if (at != std::string::npos) port_ = std::stoi(log.substr(at + mark.size()));
      if (std::filesystem::exists(dir.file("serve.status"))) break;
    }
    INFO(read_text(dir.file("serve.log")));
    REQUIRE(port_ > 0);
  }
  ~ServeProcess() {
    if (!std::filesystem::exists(dir_.file("serve.status"))) signal("KILL");
  }

  int port() const { return port_; }
  void signal(const std::string& name) const {
    run_command("kill -" + name + " $(cat " + quoted(dir_.file("serve.pid")) + ")");
  }
  /// Waits up to `seconds` for the process to end: its exit status, or -1 if it still runs.
  int wait(int seconds) const {
    for (int i = 0; i < seconds * 10; ++i) {
      if (std::filesystem::exists(dir_.file("serve.status"))) {
        const auto text = read_text(dir_.file("serve.status"));
        if (!text.empty()) return std::stoi(text);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return -1;
  }
  std::string log() const { return read_text(dir_.file("serve.log")); }

 private:
  const TempDir& dir_;
  int port_ = 0;
};

}  // namespace nmt::test
