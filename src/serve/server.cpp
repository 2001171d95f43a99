#include "serve/server.h"

#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include "decode/translator.h"
#include "serve/http.h"
#include "serve/page.h"
#include "serve/translation_queue.h"

namespace nmt {
namespace {

constexpr const char* kJson = "application/json";

void answer_error(httplib::Response& res, int status, const std::string& message) {
  res.status = status;
  res.set_content(error_json(message), kJson);
}

}  // namespace

TranslationServer::TranslationServer(Translator& translator, nlohmann::json model_info,
                                     const ServerOptions& options)
    : translator_(translator),
      queue_(std::make_unique<TranslationQueue>(
          translator, options.batch_size, options.max_batch_sentences,
          std::chrono::milliseconds(options.batch_wait_ms), options.workers)),
      http_(std::make_unique<httplib::Server>()),
      model_info_(std::move(model_info)),
      options_(options) {
  auto& http = *http_;
  const int connections = options.connections;
  http.new_task_queue = [connections] { return new httplib::ThreadPool(connections); };
  http.set_payload_max_length(options.max_body_bytes);
  // httplib writes a response's headers and body in two sends; with Nagle's algorithm the body
  // then waits for the client's delayed ACK (up to 40 ms on Linux) after every request.
  http.set_tcp_nodelay(true);
  http.set_keep_alive_max_count(1000);  // httplib's default, 5, reconnects every 5th request
  // httplib's default adds SO_REUSEPORT, with which a second server on the same port starts
  // and shares its connections; SO_REUSEADDR alone lets a restart reuse the port but refuses
  // a port another server listens on. The socket is kept to raise its backlog below.
  http.set_socket_options([this](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    listening_socket_ = sock;
  });

  http.Get("/", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(page_html(), "text/html; charset=utf-8");
  });
  http.Get("/health", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(R"({"status":"ok"})", kJson);
  });
  http.Get("/model", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(model_info_.dump(), kJson);
  });
  http.Post("/translate", [this](const httplib::Request& req, httplib::Response& res) {
    const auto request = parse_translate_request(req.body, options_.limits);
    try {  // here, before a search that other requests share
      translator_.check_input_lengths(request.text);
    } catch (const InputTooLong& e) {
      throw RequestError(413, "text[" + std::to_string(e.index()) + "]: " + e.what());
    }
    const auto translations = queue_->translate(request.text, request.search);
    res.set_content(translations_json(translations, request)
                        .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                    kJson);
  });

  http.set_exception_handler(
      [](const httplib::Request& req, httplib::Response& res, std::exception_ptr e) {
        try {
          std::rethrow_exception(e);
        } catch (const RequestError& error) {
          answer_error(res, error.status(), error.what());
        } catch (const std::exception& error) {
          spdlog::error("[serve] {} {}: {}", req.method, req.path, error.what());
          answer_error(res, 500, error.what());
        } catch (...) {
          answer_error(res, 500, "unknown error");
        }
      });
  // httplib's own refusals (404, 405, 413, 400) get a JSON body too.
  const httplib::Server::HandlerWithResponse with_json = [](const httplib::Request& req,
                                                            httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    const std::string message =
        res.status == 413   ? "body: larger than the server's limit"
        : res.status == 404 ? req.path + ": no such page (expected /, /translate, /health, /model)"
        : res.status == 405 ? req.method + " " + req.path + ": method not allowed"
                            : std::string("bad request (HTTP ") + std::to_string(res.status) + ")";
    res.set_content(error_json(message), kJson);
    return httplib::Server::HandlerResponse::Handled;
  };
  http.set_error_handler(with_json);

  if (options.port == 0) {
    port_ = http.bind_to_any_port(options.host);
  } else if (http.bind_to_port(options.host, options.port)) {
    port_ = options.port;
  } else {
    port_ = -1;
  }
  // Debian's httplib listens with a backlog of 5: clients that connect at once beyond it wait
  // for the kernel to retry, and under load some time out. Listening again raises it (Linux).
  if (port_ >= 0 && ::listen(listening_socket_, SOMAXCONN) != 0) {
    throw Error("cannot listen on " + options.host + ":" + std::to_string(port_));
  }
  if (port_ < 0) {
    throw Error("cannot listen on " + options.host + ":" + std::to_string(options.port) +
                " (in use, or not an address of this machine); choose another with --port or "
                "--host");
  }
}

TranslationServer::~TranslationServer() = default;

void TranslationServer::run() {
  spdlog::info("[serve] listening on http://{}:{}/", options_.host, port_);
  http_->listen_after_bind();
}

void TranslationServer::stop() { http_->stop(); }

int64_t TranslationServer::searches() const { return queue_->searches(); }

}  // namespace nmt
