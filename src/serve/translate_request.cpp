#include "serve/translate_request.h"

#include <torch/torch.h>

#include <cmath>
#include <set>

#include "common/utf8.h"
#include "decode/translator.h"
#include "eval/attention_plot.h"

namespace nmt {
namespace {

using nlohmann::json;

[[noreturn]] void refuse(const std::string& field, const std::string& problem, int status = 400) {
  throw RequestError(status, field + ": " + problem);
}

int64_t integer_in(const json& body, const std::string& field, int64_t low, int64_t high,
                   int64_t fallback) {
  if (!body.contains(field)) return fallback;
  const auto& v = body.at(field);
  if (!v.is_number_integer())
    refuse(field, "expected an integer, got " + std::string(v.type_name()));
  const auto x = v.get<int64_t>();
  if (x < low || x > high) {
    refuse(field, std::to_string(x) + " is out of range (expected " + std::to_string(low) + " to " +
                      std::to_string(high) + ")");
  }
  return x;
}

bool boolean(const json& body, const std::string& field) {
  if (!body.contains(field)) return false;
  const auto& v = body.at(field);
  if (!v.is_boolean()) refuse(field, "expected true or false, got " + std::string(v.type_name()));
  return v.get<bool>();
}

std::vector<std::vector<float>> rows_of(const torch::Tensor& attention) {
  const auto weights = attention.to(torch::kFloat).contiguous();  // [T, S]
  std::vector<std::vector<float>> rows(static_cast<size_t>(weights.size(0)));
  for (int64_t t = 0; t < weights.size(0); ++t) {
    const float* w = weights[t].data_ptr<float>();
    rows[static_cast<size_t>(t)].assign(w, w + weights.size(1));
  }
  return rows;
}

json hypothesis_json(const Translation& t, size_t k, const TranslateRequest& request) {
  json h = {{"text", t.texts[k]},
            {"score", t.hypotheses[k].score},
            {"target_pieces", t.target_pieces[k]}};
  if (request.attention || request.picture) {
    const auto rows = rows_of(t.hypotheses[k].attention);
    if (request.attention) h["attention"] = rows;
    if (request.picture)
      h["picture"] = attention_svg(t.source_pieces, t.target_pieces[k], rows, "");
  }
  return h;
}

}  // namespace

TranslateRequest parse_translate_request(const std::string& body, const RequestLimits& limits) {
  if (!is_valid_utf8(body)) refuse("body", "invalid UTF-8");
  json j;
  try {
    j = json::parse(body);
  } catch (const json::parse_error& e) {
    refuse("body", std::string("malformed JSON (") + e.what() + ")");
  }
  if (!j.is_object()) refuse("body", "expected a JSON object, got " + std::string(j.type_name()));
  static const std::set<std::string> known = {"text",  "beam",      "nbest",
                                              "alpha", "attention", "picture"};
  for (const auto& item : j.items()) {
    if (!known.count(item.key())) {
      refuse(item.key(), "unknown field (expected text, beam, nbest, alpha, attention, picture)");
    }
  }
  if (!j.contains("text")) refuse("text", "missing (expected a list of sentences)");
  TranslateRequest r;
  const auto& text = j.at("text");
  if (text.is_string()) {
    r.text.push_back(text.get<std::string>());
  } else if (text.is_array()) {
    for (size_t i = 0; i < text.size(); ++i) {
      if (!text[i].is_string()) {
        refuse("text[" + std::to_string(i) + "]",
               "expected a string, got " + std::string(text[i].type_name()));
      }
      r.text.push_back(text[i].get<std::string>());
    }
  } else {
    refuse("text", "expected a list of strings, got " + std::string(text.type_name()));
  }
  if (r.text.size() > limits.max_sentences) {
    refuse("text",
           std::to_string(r.text.size()) + " sentences (at most " +
               std::to_string(limits.max_sentences) + " per request)",
           413);
  }
  r.search.beam = integer_in(j, "beam", 1, limits.max_beam, 5);
  r.search.nbest = integer_in(j, "nbest", 1, r.search.beam, 1);
  if (j.contains("alpha")) {
    const auto& a = j.at("alpha");
    if (!a.is_number()) refuse("alpha", "expected a number, got " + std::string(a.type_name()));
    r.search.alpha = a.get<double>();
    if (!std::isfinite(r.search.alpha) || r.search.alpha < 0 || r.search.alpha > 10) {
      refuse("alpha", "out of range (expected 0 to 10)");
    }
  }
  r.attention = boolean(j, "attention");
  r.picture = boolean(j, "picture");
  r.search.attention = r.attention || r.picture;
  const auto sentences = static_cast<int64_t>(r.text.size());
  const auto at_most = [&](const std::string& field, int64_t asked, const std::string& what,
                           int64_t limit) {
    if (asked <= limit) return;
    refuse(field,
           std::to_string(sentences) + " sentences x " + field + " " +
               std::to_string(field == "beam" ? r.search.beam : r.search.nbest) + " = " +
               std::to_string(asked) + " " + what + " (at most " + std::to_string(limit) +
               " per request)",
           413);
  };
  at_most("beam", sentences * r.search.beam, "search rows", limits.max_beam_rows);
  at_most("nbest", sentences * r.search.nbest, "hypotheses", limits.max_hypotheses);
  if (r.attention) {
    at_most("nbest", sentences * r.search.nbest, "hypotheses with attention", limits.max_attention);
  }
  if (r.picture) {
    at_most("nbest", sentences * r.search.nbest, "hypotheses with pictures", limits.max_pictures);
  }
  return r;
}

json translations_json(const std::vector<Translation>& translations,
                       const TranslateRequest& request) {
  json out = json::array();
  for (const auto& t : translations) {
    json entry = {{"source_pieces", t.source_pieces}, {"nbest", json::array()}};
    for (size_t k = 0; k < t.hypotheses.size(); ++k) {
      entry["nbest"].push_back(hypothesis_json(t, k, request));
    }
    if (t.hypotheses.empty()) {
      entry.update({{"text", ""}, {"score", nullptr}, {"target_pieces", json::array()}});
    } else {
      entry.update(json(entry["nbest"][0]));  // a copy: entry changes while it is read
    }
    out.push_back(std::move(entry));
  }
  return {{"translations", std::move(out)}};
}

std::string error_json(const std::string& message) {
  return json{{"error", message}}.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace nmt
