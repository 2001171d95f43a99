// `nmt serve`'s HTTP server: POST /translate (serve/translate_request.h), GET /health,
// GET /model, GET /metrics (serve/metrics.h) and the page at GET / (serve/page.h), over
// cpp-httplib. Requests are translated
// through one TranslationQueue, so concurrent requests share searches.
#pragma once

#include <atomic>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "serve/metrics.h"
#include "serve/translate_request.h"

namespace httplib {
class Server;
}

namespace nmt {

class ConnectionWatch;
class Translator;
class TranslationQueue;

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;                  // 0: any free port (see port())
  size_t max_body_bytes = 1 << 20;  // larger bodies get 413
  RequestLimits limits;
  int64_t batch_size = 64;            // sentences per search batch
  size_t max_batch_sentences = 1024;  // sentences of several requests searched together
  int batch_wait_ms = 20;             // after a search, wait for requests to join the next
  int workers = 1;                    // searches at once (TranslationQueue)
  int connections = 256;              // connections served at once (a thread each)
  int head_timeout_s = 10;            // for a connection's request head (ConnectionWatch)
};

class TranslationServer {
 public:
  /// `model_info` is what GET /model answers. Binds to host:port, or throws Error naming them.
  TranslationServer(Translator& translator, nlohmann::json model_info,
                    const ServerOptions& options);
  ~TranslationServer();

  int port() const { return port_; }
  /// Serves until stop(); every connection accepted by then is served, its requests answered
  /// (the last with "Connection: close"), before it returns.
  void run();
  /// Stops accepting connections; callable from any thread, before or during run().
  void stop();

  int64_t searches() const;  // searches run so far (each may serve several requests)

 private:
  const Translator& translator_;
  ServerMetrics metrics_;
  std::unique_ptr<TranslationQueue> queue_;
  std::unique_ptr<httplib::Server> http_;
  std::unique_ptr<ConnectionWatch> watch_;
  nlohmann::json model_info_;
  ServerOptions options_;
  int port_ = 0;
  int listening_socket_ = -1;
  std::atomic<bool> stopping_{false};
};

}  // namespace nmt
