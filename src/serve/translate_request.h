// The JSON of `POST /translate`: a request checked field by field (each problem a RequestError
// naming the field, answered with a 4xx), and the answer built from the translations.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/errors.h"
#include "decode/search.h"

namespace nmt {

struct Translation;

/// What one request may ask for, so that no request holds the server for long or gets an
/// answer of hundreds of MB. Beyond them: 413 naming the field.
struct RequestLimits {
  size_t max_sentences = 256;  // per request
  int64_t max_beam = 100;
  int64_t max_beam_rows = 4096;   // sentences x beam: the rows one search of it steps
  int64_t max_hypotheses = 1024;  // sentences x nbest in the answer
  int64_t max_attention = 256;    // ... of them with "attention"
  int64_t max_pictures = 16;      // ... of them with "picture" (an SVG each)
};

struct TranslateRequest {
  std::vector<std::string> text;  // one sentence per entry
  SearchOptions search;           // beam 5 unless given
  bool attention = false;         // each hypothesis's attention weights
  bool picture = false;           // and the SVG heatmap of each (as `nmt plot-attention`)
};

/// A request the server refuses: an HTTP status (4xx) and a message naming the field.
class RequestError : public Error {
 public:
  RequestError(int status, const std::string& message) : Error(message), status_(status) {}
  int status() const { return status_; }

 private:
  int status_;
};

/// Parses and checks `{"text": [...], "beam": 5, "nbest": 1, "alpha": 0.6, "attention": false,
/// "picture": false}` (only "text" required; a single string is one sentence). Throws
/// RequestError (400) for malformed JSON, invalid UTF-8, an unknown field, a field of the wrong
/// type or out of range, and (413) more than `limits` allow.
TranslateRequest parse_translate_request(const std::string& body, const RequestLimits& limits);

/// `{"translations": [{"text", "score", "source_pieces", "target_pieces", "nbest": [{"text",
/// "score", "target_pieces"}...]}...]}`, with "attention" ([T][S]) and "picture" (SVG) in the
/// best hypothesis and each n-best entry when the request asks for them. An input without
/// subwords gets text "", score null and an empty n-best list.
nlohmann::json translations_json(const std::vector<Translation>& translations,
                                 const TranslateRequest& request);

/// `{"error": message}`.
std::string error_json(const std::string& message);

}  // namespace nmt
