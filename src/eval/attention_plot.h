// Attention heatmaps as standalone SVG: one cell per (target piece, source piece), darker
// meaning more weight, for reading what a trained model attends to.
#pragma once

#include <string>
#include <vector>

namespace nmt {

/// The text shown for a SentencePiece piece. A piece that starts a word ("▁Mann") shows
/// without its '▁' ("Mann"); a word-internal piece ("nn") gets a leading middle dot ("·nn"),
/// so "▁Hau" "s" reads "Hau" "·s"; a '▁' inside a piece shows as a space; pieces of
/// punctuation only ("." rather than "·."), the special pieces <s>, </s>, <unk>, <pad> and
/// a lone "▁" show as they are. Throws Error if `piece` is not valid UTF-8.
std::string attention_label(const std::string& piece);

/// `text` (UTF-8) as XML text or attribute content: & < > " ' escaped, control characters as
/// U+FFFD. Throws Error if `text` is not valid UTF-8.
std::string xml_text(const std::string& text);

/// A standalone SVG document (starting with "<svg") drawing `weights` as a heatmap.
/// Shapes: source [S], target [T], weights [T][S] with row t holding target piece t's
/// weights over the source pieces. Cells go from white (0) to dark blue (1) on a linear
/// RGB scale; weights outside [0, 1] are clamped, and weights >= 0.1 are also printed as a
/// percentage. Source labels run along the top, rotated, target labels down the left (see
/// attention_label), under `title`, with a 0-to-1 colour bar below. All text is
/// XML-escaped. Throws Error naming the sizes if the shapes disagree, or naming the cell
/// if a weight is not finite.
std::string attention_svg(const std::vector<std::string>& source,
                          const std::vector<std::string>& target,
                          const std::vector<std::vector<float>>& weights, const std::string& title);

}  // namespace nmt
