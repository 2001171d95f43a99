// The page at GET /: a text box, the translation (n-best on request) and the attention of the
// chosen hypothesis as the heatmap `nmt plot-attention` draws, which the server renders
// (eval/attention_plot.h) and the page shows. Plain HTML, CSS and JavaScript; nothing fetched
// from elsewhere. A URL ending in #text=... (URL-encoded) translates that text on load.
#pragma once

#include <string>

namespace nmt {

const std::string& page_html();

}  // namespace nmt
