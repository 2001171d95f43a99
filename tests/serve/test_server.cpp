// The HTTP API against a real server on a loopback port: answers equal the translator's, every
// bad request is a 4xx whose JSON error names the field, and 1,024 requests from 32 concurrent
// clients with bad ones mixed in are each answered as if alone (and share searches).
#include <atomic>
#include <catch2/catch.hpp>
#include <map>
#include <mutex>

#include "eval/attention_plot.h"
#include "serve/serve_fixtures.h"

using nlohmann::json;
using nmt::test::ServedModel;
using nmt::test::TempDir;

namespace {

// What the translator alone says of `lines` with `beam` and `nbest`.
std::vector<nmt::Translation> expected(nmt::Translator& translator,
                                       const std::vector<std::string>& lines, int64_t beam,
                                       int64_t nbest) {
  nmt::SearchOptions options;
  options.beam = beam;
  options.nbest = nbest;
  return translator.translate(lines, options, 64);
}

std::string repeated(const std::string& text, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += text;
  return out;
}

json post(httplib::Client& client, const std::string& body, int expected_status) {
  const auto res = client.Post("/translate", body, "application/json");
  REQUIRE(res);
  INFO(body << " -> " << res->body);
  REQUIRE(res->status == expected_status);
  return json::parse(res->body);
}

}  // namespace

TEST_CASE("serve: POST /translate answers what the translator says", "[serve]") {
  TempDir dir;
  ServedModel served(dir);
  auto client = served.client();
  const std::vector<std::string> lines = {"red dog", "", "cat sun tree boat"};
  const auto answer =
      post(client,
           json{{"text", lines}, {"beam", 3}, {"nbest", 2}, {"attention", true}, {"picture", true}}
               .dump(),
           200);
  const auto want = expected(served.translator(), lines, 3, 2);
  const auto& got = answer.at("translations");
  REQUIRE(got.size() == 3);
  for (size_t i = 0; i < lines.size(); ++i) {
    CAPTURE(i);
    const auto& t = got[i];
    CHECK(t.at("source_pieces") == json(want[i].source_pieces));
    REQUIRE(t.at("nbest").size() == want[i].hypotheses.size());
    if (want[i].hypotheses.empty()) {
      CHECK(t.at("text") == "");
      CHECK(t.at("score").is_null());
      continue;
    }
    CHECK(t.at("text") == want[i].texts[0]);
    CHECK(t.at("score").get<double>() == want[i].hypotheses[0].score);
    for (size_t k = 0; k < want[i].hypotheses.size(); ++k) {
      const auto& h = t.at("nbest")[k];
      CHECK(h.at("text") == want[i].texts[k]);
      CHECK(h.at("target_pieces") == json(want[i].target_pieces[k]));
      const auto& attention = h.at("attention");
      REQUIRE(attention.size() == want[i].target_pieces[k].size());
      for (size_t r = 0; r < attention.size(); ++r) {
        REQUIRE(attention[r].size() == want[i].source_pieces.size());
        double sum = 0;
        for (size_t s = 0; s < attention[r].size(); ++s) {
          const double w = attention[r][s];
          CHECK(w == Approx(want[i].hypotheses[k].attention[r][s].item<float>()).margin(1e-6));
          sum += w;
        }
        CHECK(sum == Approx(1).margin(1e-5));
      }
      const auto picture = h.at("picture").get<std::string>();
      CHECK(picture.rfind("<svg", 0) == 0);
      size_t cells = 0;
      for (auto at = picture.find("class=\"cell\""); at != std::string::npos;
           at = picture.find("class=\"cell\"", at + 1)) {
        ++cells;
      }
      CHECK(cells == attention.size() * want[i].source_pieces.size());
      // Labelled as nmt plot-attention labels pieces ("▁red" shows as "red"), once.
      const auto label = [](const std::string& piece) {
        return nmt::xml_text(nmt::attention_label(piece));
      };
      CHECK_THAT(picture, Catch::Contains("<title>" + label(want[i].source_pieces[0]) + " \u2192 " +
                                          label(want[i].target_pieces[k][0]) + ": "));
    }
  }
  CHECK(got[0].at("target_pieces") == got[0].at("nbest")[0].at("target_pieces"));
  CHECK_FALSE(post(client, R"({"text": "red dog"})", 200)["translations"][0].contains("attention"));
  // No sentences at all: no translations, and the server goes on.
  CHECK(post(client, R"({"text": []})", 200)["translations"] == json::array());
  CHECK(post(client, R"({"text": ["red"]})", 200)["translations"].size() == 1);

  const auto health = client.Get("/health");
  REQUIRE(health);
  CHECK(health->status == 200);
  const auto page = client.Get("/");
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK(page->body.find("<form id=\"form\">") != std::string::npos);
  const auto model = client.Get("/model");
  REQUIRE(model);
  CHECK(json::parse(model->body).at("models")[0] == served.model_dir());
}

TEST_CASE("serve: a bad request is a 4xx whose error names the field", "[serve]") {
  TempDir dir;
  nmt::ServerOptions options;
  options.max_body_bytes = 4096;
  options.limits.max_sentences = 8;
  options.limits.max_beam_rows = 500;
  options.limits.max_hypotheses = 400;
  ServedModel served(dir, options);
  auto client = served.client();
  const std::vector<std::tuple<std::string, int, std::string>> cases = {
      {R"({"text": ["red dog")", 400, "body: malformed JSON"},
      {"[1, 2]", 400, "body: expected a JSON object, got array"},
      {R"({"beam": 2})", 400, "text: missing"},
      {R"({"text": 5})", 400, "text: expected a list of strings, got number"},
      {R"({"text": ["red", 7]})", 400, "text[1]: expected a string, got number"},
      {"{\"text\": [\"red \xC3\x28\"]}", 400, "body: invalid UTF-8"},
      {R"({"text": ["red"], "beam": 0})", 400, "beam: 0 is out of range (expected 1 to 100)"},
      {R"({"text": ["red"], "beam": 10000})", 400, "beam: 10000 is out of range"},
      {R"({"text": ["red"], "beam": 2.5})", 400, "beam: expected an integer, got number"},
      {R"({"text": ["red"], "beam": 2, "nbest": 3})", 400,
       "nbest: 3 is out of range (expected 1 to 2)"},
      {R"({"text": ["red"], "alpha": "x"})", 400, "alpha: expected a number, got string"},
      {R"({"text": ["red"], "alpha": -1})", 400, "alpha: out of range"},
      {R"({"text": ["red"], "attention": 1})", 400, "attention: expected true or false"},
      {R"({"text": ["red"], "beem": 2})", 400, "beem: unknown field"},
      {json{{"text", std::vector<std::string>(9, "red")}}.dump(), 413,
       "text: 9 sentences (at most 8 per request)"},
      {json{{"text", {std::string(5000, 'a')}}}.dump(), 413,
       "body: larger than the server's limit"},
      // 900 words, more than the 4 x data.max_len (100) tokens a translation may read.
      {json{{"text", {"red", repeated("red ", 900)}}}.dump(), 413, "text[1]: "},
      // The work and the answer a request may ask for (RequestLimits).
      {json{{"text", std::vector<std::string>(8, "red")}, {"beam", 100}}.dump(), 413,
       "beam: 8 sentences x beam 100 = 800 search rows (at most 500 per request)"},
      {json{{"text", std::vector<std::string>(5, "red")}, {"beam", 100}, {"nbest", 100}}.dump(),
       413, "nbest: 5 sentences x nbest 100 = 500 hypotheses (at most 400 per request)"},
      {json{{"text", {"red"}}, {"beam", 100}, {"nbest", 20}, {"picture", true}}.dump(), 413,
       "nbest: 1 sentences x nbest 20 = 20 hypotheses with pictures (at most 16"},
  };
  for (const auto& [body, status, message] : cases) {
    const auto error = post(client, body, status);
    CHECK_THAT(error.at("error").get<std::string>(), Catch::StartsWith(message));
  }
  // A known path with another method: 405 naming the methods it takes.
  const auto wrong_method = client.Get("/translate");
  REQUIRE(wrong_method);
  CHECK(wrong_method->status == 405);
  CHECK(wrong_method->get_header_value("Allow") == "POST");
  const auto post_health = client.Post("/health", "{}", "application/json");
  REQUIRE(post_health);
  CHECK(post_health->status == 405);
  CHECK(post_health->get_header_value("Allow") == "GET, HEAD");
  const auto missing = client.Get("/nope");
  REQUIRE(missing);
  CHECK(missing->status == 404);
  CHECK_THAT(json::parse(missing->body).at("error").get<std::string>(),
             Catch::Contains("/nope: no such page"));
  CHECK(post(client, R"({"text": ["red dog"]})", 200).at("translations").size() == 1);
}

TEST_CASE("serve: JSON is read whatever the Content-Type, multipart is a 415", "[serve]") {
  TempDir dir;
  ServedModel served(dir);
  auto client = served.client();
  // curl -d sends application/x-www-form-urlencoded; httplib alone refuses those beyond 8 KB.
  const auto body =
      json{{"text", std::vector<std::string>(250, "red dog cat sun tree boat car blue red")}}
          .dump();
  REQUIRE(body.size() > 8192);
  for (const std::string type : {"application/x-www-form-urlencoded", "text/plain"}) {
    CAPTURE(type);
    const auto res = client.Post("/translate", body, type.c_str());
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(json::parse(res->body).at("translations").size() == 250);
  }
  const auto multipart = client.Post(
      "/translate", httplib::MultipartFormDataItems{{"text", "red dog", "", "text/plain"}});
  REQUIRE(multipart);
  CHECK(multipart->status == 415);
  CHECK_THAT(json::parse(multipart->body).at("error").get<std::string>(),
             Catch::Contains("application/json"));
}

TEST_CASE("serve: 32 concurrent clients with bad requests mixed in are each answered right",
          "[serve]") {
  TempDir dir;
  nmt::ServerOptions options;
  options.workers = GENERATE(1, 2);  // searches at once
  CAPTURE(options.workers);
  ServedModel served(dir, options);
  const std::vector<std::string> sentences = {"red dog",  "cat sun tree",   "boat car blue red",
                                              "sun",      "tree tree dog",  "blue cat car",
                                              "dog boat", "red red red sun"};
  std::map<std::string, std::string> translation;
  for (const auto& s : sentences)
    translation[s] = expected(served.translator(), {s}, 2, 1)[0].texts[0];

  constexpr int kClients = 32, kRequests = 32;
  std::atomic<int> right{0}, wrong{0}, refused{0}, good{0};
  std::mutex failures_mutex;
  std::vector<std::string> failures;
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      auto client = served.client();
      for (int r = 0; r < kRequests; ++r) {
        const int n = c * kRequests + r;
        const auto& sentence = sentences[static_cast<size_t>(n) % sentences.size()];
        const bool bad = n % 5 == 0;
        const std::string body = bad ? (n % 2 ? R"({"text": ["red"], "beam": 0})" : "{not json")
                                     : json{{"text", {sentence}}, {"beam", 2}}.dump();
        const auto res = client.Post("/translate", body, "application/json");
        if (!res) {
          const std::lock_guard<std::mutex> lock(failures_mutex);
          failures.push_back("request " + std::to_string(n) + ": " +
                             httplib::to_string(res.error()));
          ++wrong;
        } else if (bad) {
          if (res->status != 400) {
            const std::lock_guard<std::mutex> lock(failures_mutex);
            failures.push_back("request " + std::to_string(n) + ": HTTP " +
                               std::to_string(res->status) + " " + res->body);
          }
          (res->status == 400 ? refused : wrong)++;
        } else {
          ++good;
          const bool ok = res->status == 200 && json::parse(res->body)["translations"][0]["text"] ==
                                                    translation[sentence];
          (ok ? right : wrong)++;
        }
      }
    });
  }
  for (auto& t : clients) t.join();
  for (const auto& f : failures) UNSCOPED_INFO(f);
  CHECK(wrong == 0);
  CHECK(right == good);
  CHECK(refused == kClients * kRequests - good);
  CHECK(served.server().searches() < good);  // some requests shared a search
  auto client = served.client();
  const auto health = client.Get("/health");
  REQUIRE(health);
  CHECK(health->status == 200);
}
