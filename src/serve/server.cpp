#include "serve/server.h"

#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <chrono>

#include "decode/translator.h"
#include "serve/connection_watch.h"
#include "serve/http.h"
#include "serve/page.h"
#include "serve/translation_queue.h"

namespace nmt {
namespace {

constexpr const char* kJson = "application/json";

// When the request this thread serves arrived (httplib serves a connection on one thread).
thread_local std::chrono::steady_clock::time_point request_start;

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
          std::chrono::milliseconds(options.batch_wait_ms), options.workers,
          [this](const SearchStart& start) {
            metrics_.searched(start.sentences, start.waited_seconds);
          })),
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
  http.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    res.set_content(metrics_.text(queue_->queued_requests()), "text/plain; version=0.0.4");
  });
  // The body is read here, so JSON is taken whatever Content-Type says: httplib would parse
  // a form-encoded one (curl -d's default) and refuse it beyond 8 KB.
  http.Post("/translate", [this](const httplib::Request& req, httplib::Response& res,
                                 const httplib::ContentReader& read) {
    if (req.is_multipart_form_data()) {
      throw RequestError(415,
                         "body: multipart form data (expected a JSON object, sent as "
                         "Content-Type: application/json)");
    }
    std::string body;
    const bool whole = read([&body](const char* data, size_t size) {
      body.append(data, size);
      return true;
    });
    if (!whole && res.status == 413)
      throw RequestError(413, "body: larger than the server's limit");
    if (!whole) throw RequestError(400, "body: incomplete (the connection ended or timed out)");
    const auto request = parse_translate_request(body, options_.limits);
    try {  // here, before a search that other requests share
      translator_.check_input_lengths(request.text);
    } catch (const InputTooLong& e) {
      throw RequestError(413, "text[" + std::to_string(e.index()) + "]: " + e.what());
    }
    const auto translations = queue_->translate(request.text, request.search);
    int64_t tokens = 0;
    for (const auto& t : translations) {
      if (t.hypotheses.empty()) continue;
      tokens += static_cast<int64_t>(t.hypotheses.front().ids.size()) +
                (t.hypotheses.front().complete ? 1 : 0);
    }
    metrics_.translated(static_cast<int64_t>(translations.size()), tokens);
    res.set_content(translations_json(translations, request)
                        .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                    kJson);
  });
  // Another method on a known path: 405 with the methods it takes (RFC 9110, 15.5.6).
  const auto not_allowed = [](const std::string& allow) {
    return [allow](const httplib::Request& req, httplib::Response& res) {
      res.set_header("Allow", allow);
      answer_error(res, 405,
                   req.method + " " + req.path + ": method not allowed (allowed: " + allow + ")");
    };
  };
  for (const char* path : {"/", "/health", "/model", "/metrics"}) {
    http.Post(path, not_allowed("GET, HEAD"));
    http.Put(path, not_allowed("GET, HEAD"));
    http.Patch(path, not_allowed("GET, HEAD"));
    http.Delete(path, not_allowed("GET, HEAD"));
  }
  http.Get("/translate", not_allowed("POST"));
  http.Put("/translate", not_allowed("POST"));
  http.Patch("/translate", not_allowed("POST"));
  http.Delete("/translate", not_allowed("POST"));
  // Once stopping, every answer asks its client to close the connection, so that the
  // connections still open end with the requests they carry.
  http.set_post_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (stopping_) res.set_header("Connection", "close");
    watch_->answered(peer_name(req.remote_addr, req.remote_port));
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - request_start).count();
    metrics_.request_answered(req.path, res.status, seconds);
    spdlog::debug("[serve] {} {} {} {:.1f} ms {}", req.method, req.path, res.status, 1000 * seconds,
                  peer_name(req.remote_addr, req.remote_port));
  });
  http.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response&) {
    request_start = std::chrono::steady_clock::now();
    watch_->head_received(peer_name(req.remote_addr, req.remote_port));
    return httplib::Server::HandlerResponse::Unhandled;
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
        res.status == 413 ? "body: larger than the server's limit"
        : res.status == 404
            ? req.path + ": no such page (expected /, /translate, /health, /model, /metrics)"
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
  if (port_ >= 0) {
    watch_ = std::make_unique<ConnectionWatch>(port_, std::chrono::seconds(options.head_timeout_s));
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

void TranslationServer::stop() {
  // httplib's own stop() would drop the connections accepted but not yet served. Shutting the
  // listening socket down ends its accept loop instead, after which it serves every connection
  // it has accepted; the connections it had not accepted are refused.
  stopping_ = true;
  ::shutdown(listening_socket_, SHUT_RDWR);
}

int64_t TranslationServer::searches() const { return queue_->searches(); }

}  // namespace nmt
