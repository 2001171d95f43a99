// `nmt serve`: a trained model (or an ensemble) behind HTTP, with a page that shows where it
// looks (src/serve/). SIGINT or SIGTERM stops accepting connections, answers the requests in
// flight and exits 0.
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli/commands.h"
#include "cli/stop_signals.h"
#include "common/config.h"
#include "data/vocab.h"
#include "decode/translator.h"
#include "model/config_check.h"
#include "serve/server.h"

namespace nmt::cli {
namespace {

struct ServeCommandOptions {
  TranslatorSettings models;
  ServerOptions server;
  int threads = 0;
  bool log_requests = false;
};

nlohmann::json model_info(const Translator& translator,
                          const std::vector<std::string>& model_dirs) {
  return {{"models", model_dirs},
          {"checkpoints", translator.checkpoints()},
          {"config", config_values(translator.config())},
          {"source_vocabulary", translator.source_vocab().size()},
          {"target_vocabulary", translator.target_vocab().size()},
          {"parameters", translator.parameters()},
          {"max_input_tokens", translator.max_input_tokens()}};
}

int run_serve(const ServeCommandOptions& o) {
  if (o.log_requests) spdlog::set_level(spdlog::level::debug);
  const auto translator = load_models(o.models);
  auto options = o.server;
  options.workers = choose_search_workers(*translator, o.threads, o.server.workers);
  TranslationServer server(*translator, model_info(*translator, o.models.model_dirs), options);
  StopSignals signals;
  std::atomic<bool> served{false};
  std::thread watcher([&] {
    while (!served && signals.received() == 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (signals.received() != 0) {
      spdlog::info("[serve] signal {}: answering the requests in flight, then stopping",
                   signals.received().load());
      server.stop();
    }
  });
  server.run();
  served = true;
  watcher.join();
  spdlog::info("[serve] stopped after {} searches", server.searches());
  return 0;
}

}  // namespace

Command add_serve_command(CLI::App& app) {
  auto o = std::make_shared<ServeCommandOptions>();
  auto* sub = app.add_subcommand(
      "serve", "Serve a model over HTTP: POST /translate, GET /health, /model, and a page at /");
  add_model_options(sub, o->models);
  sub->add_option("--host", o->server.host, "Address to listen on");
  sub->add_option("--port", o->server.port, "Port to listen on (0: any free port)")
      ->check(CLI::Range(0, 65535));
  sub->add_option("--max-body-bytes", o->server.max_body_bytes,
                  "Largest request body accepted (larger: HTTP 413)")
      ->check(CLI::Range(size_t{64}, size_t{1} << 30));
  sub->add_option("--max-sentences", o->server.limits.max_sentences,
                  "Most sentences in one request (more: HTTP 413)")
      ->check(CLI::Range(size_t{1}, size_t{1000000}));
  sub->add_option("--batch-size", o->server.batch_size, "Sentences per search batch")
      ->check(CLI::Range(1, 100000));
  sub->add_option("--batch-wait-ms", o->server.batch_wait_ms,
                  "After a search, wait up to this long for requests to join the next one")
      ->check(CLI::Range(0, 10000));
  sub->add_option("--connections", o->server.connections, "Connections served at once")
      ->check(CLI::Range(1, 10000));
  sub->add_option("--head-timeout", o->server.head_timeout_s,
                  "Seconds a connection may take to send a request's head; slower ones are "
                  "closed, so that slow clients cannot hold every connection")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  sub->add_option("--threads", o->threads, "CPU threads for the model (0: LibTorch's default)")
      ->check(CLI::Range(0, 1024));
  o->server.workers = 0;  // by cores (choose_search_workers)
  o->models.serving = true;
  sub->add_option("--workers", o->server.workers,
                  "Searches at once, each on --threads / N threads (0: one per core, at most 8)")
      ->check(CLI::Range(0, 256))
      ->capture_default_str();
  sub->add_flag("--log-requests", o->log_requests,
                "Log a line per request (method, path, status, milliseconds, client): the debug "
                "level");
  return {sub, [o] { return run_serve(*o); }};
}

}  // namespace nmt::cli
