// Attention heatmaps as SVG: labels from SentencePiece pieces, a layout sized from the
// longest labels (text widths estimated from code-point counts), then cells and a legend.
#include "eval/attention_plot.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <iomanip>
#include <locale>
#include <sstream>
#include <string_view>

#include "common/errors.h"
#include "common/utf8.h"

namespace nmt {
namespace {

constexpr double kCell = 22;         // cell side, px
constexpr double kLabelFont = 12;    // piece labels
constexpr double kWeightFont = 8.5;  // percentages in cells: "100" must fit in kCell
constexpr double kTitleFont = 14;
constexpr double kBoldWidth = 1.15;  // the title is bold, and bold glyphs are wider
constexpr double kLegendFont = 10;
constexpr double kMargin = 12;
constexpr double kGap = 6;            // between labels and the grid
constexpr double kLegendBar = 120;    // colour bar width, px
constexpr double kAngleDegrees = 50;  // source labels rise at this angle
constexpr double kAngle = kAngleDegrees * 3.14159265358979323846 / 180;
constexpr double kBaseline = 0.35;      // glyph centre above the baseline, in em
constexpr int kDark[3] = {8, 48, 107};  // weight 1: ColorBrewer Blues' darkest (#08306b)
constexpr const char* kDarkHex = "#08306b";

using Text = std::u32string;

// Estimated glyph width in em. No font metrics are at hand, so use DejaVu Sans's (wider
// than Helvetica or Arial, so other fonts get room to spare) by rough class: a few narrow
// and wide letters, capitals, CJK and other full-width scripts, and 0.62 em for the rest.
double glyph_em(char32_t c) {
  static const std::u32string_view kNarrow = U"fijlrtI.,;:!|'()[] \u00b7";
  static const std::u32string_view kWide = U"mwMW@%";
  if (kNarrow.find(c) != std::u32string_view::npos) return 0.4;
  if (kWide.find(c) != std::u32string_view::npos) return 1.0;
  if (c >= 0x2E80) return 1.0;
  if ((c >= U'A' && c <= U'Z') || (c >= 0xC0 && c <= 0xDE)) return 0.78;
  return 0.62;
}

double text_width(const Text& text, double font) {
  double em = 0;
  for (char32_t c : text) em += glyph_em(c);
  return em * font;
}

Text decode_checked(const std::string& text) {
  if (!is_valid_utf8(text)) throw Error("attention plot: label is not valid UTF-8: " + text);
  return decode_utf8(text);
}

// Punctuation shows as it is even inside a word: "·." would read as two dots.
bool is_punctuation(const Text& text) {
  return std::all_of(text.begin(), text.end(), [](char32_t c) {
    return (c < 0x80 && std::ispunct(static_cast<int>(c))) || (c >= 0x2010 && c <= 0x205E) ||
           c == 0xA1 || c == 0xAB || c == 0xBB || c == 0xBF;
  });
}

Text display_label(const std::string& piece) {
  static const char* const kVerbatim[] = {"<s>", "</s>", "<unk>", "<pad>", "\u2581"};
  Text cps = decode_checked(piece);
  if (cps.empty() || is_punctuation(cps) ||
      std::find(std::begin(kVerbatim), std::end(kVerbatim), piece) != std::end(kVerbatim)) {
    return cps;
  }
  const bool word_start = cps.front() == U'\u2581';
  if (word_start) cps.erase(0, 1);
  std::replace(cps.begin(), cps.end(), U'\u2581', U' ');
  return word_start ? cps : U"\u00b7" + cps;
}

// XML text or attribute content. Control characters are not allowed in XML 1.0, so they
// become U+FFFD rather than making the document unreadable.
std::string xml(const Text& text) {
  Text out;
  for (char32_t c : text) {
    switch (c) {
      case U'&':
        out += U"&amp;";
        break;
      case U'<':
        out += U"&lt;";
        break;
      case U'>':
        out += U"&gt;";
        break;
      case U'"':
        out += U"&quot;";
        break;
      case U'\'':
        out += U"&apos;";
        break;
      default:
        out += c < 0x20 ? U'\ufffd' : c;
    }
  }
  return encode_utf8(out);
}

}  // namespace

std::string xml_text(const std::string& text) { return xml(decode_checked(text)); }

namespace {

// Linear RGB from white (0) to kDark (1); clamped so a slightly-off weight still plots.
std::string colour(float weight) {
  const double w = std::clamp(static_cast<double>(weight), 0.0, 1.0);
  std::ostringstream hex;
  hex << '#' << std::hex << std::setfill('0');
  for (int dark : kDark) hex << std::setw(2) << std::lround(255 + (dark - 255) * w);
  return hex.str();
}

void check_shapes(const std::vector<std::string>& source, const std::vector<std::string>& target,
                  const std::vector<std::vector<float>>& weights) {
  if (weights.size() != target.size()) {
    throw Error("attention plot: weights have " + std::to_string(weights.size()) +
                " rows but target has " + std::to_string(target.size()) +
                " pieces (expected one row per target piece)");
  }
  for (size_t t = 0; t < weights.size(); ++t) {
    if (weights[t].size() != source.size()) {
      throw Error("attention plot: weights row " + std::to_string(t) + " has " +
                  std::to_string(weights[t].size()) + " columns but source has " +
                  std::to_string(source.size()) + " pieces (expected one per source piece)");
    }
    for (size_t s = 0; s < weights[t].size(); ++s) {
      if (!std::isfinite(weights[t][s])) {
        throw Error("attention plot: weight [" + std::to_string(t) + "][" + std::to_string(s) +
                    "] is not finite");
      }
    }
  }
}

double widest(const std::vector<Text>& labels, double font) {
  double w = 0;
  for (const auto& l : labels) w = std::max(w, text_width(l, font));
  return w;
}

// Where everything goes, in px. Source labels start just above their column and rise to
// the right, so each needs width·sin(angle) above the grid and width·cos(angle) beside it.
struct Layout {
  double grid_x, grid_y, legend_y, width, height;
  double column_dx;  // baseline start of a source label, right of its column centre
};

Layout make_layout(const std::vector<Text>& source, const std::vector<Text>& target,
                   const Text& title) {
  const double title_h = title.empty() ? 0 : kTitleFont + 10;
  Layout l{};
  l.column_dx = kBaseline * kLabelFont * std::sin(kAngle);
  l.grid_x = kMargin + widest(target, kLabelFont) + kGap;
  l.grid_y = kMargin + title_h + widest(source, kLabelFont) * std::sin(kAngle) +
             kLabelFont * std::cos(kAngle) + kGap;
  const double grid_w = kCell * static_cast<double>(source.size());
  l.legend_y = l.grid_y + kCell * static_cast<double>(target.size()) + 2 * kGap;
  double labels_right = 0;
  for (size_t s = 0; s < source.size(); ++s) {
    labels_right = std::max(labels_right, l.grid_x + kCell * (s + 0.5) + l.column_dx +
                                              text_width(source[s], kLabelFont) * std::cos(kAngle));
  }
  const double legend_right =
      l.grid_x + kLegendBar + kGap + text_width(U"attention weight", kLegendFont);
  l.width = std::max({l.grid_x + grid_w, labels_right, legend_right,
                      kMargin + kBoldWidth * text_width(title, kTitleFont)}) +
            kMargin;
  l.height = l.legend_y + 10 + kGap + kLegendFont + kMargin;
  return l;
}

void write_labels(std::ostream& out, const std::vector<Text>& source,
                  const std::vector<Text>& target, const Layout& l) {
  out << "<g font-size=\"" << kLabelFont << "\" fill=\"#222\">\n";
  for (size_t s = 0; s < source.size(); ++s) {
    const double x = l.grid_x + kCell * (s + 0.5) + l.column_dx, y = l.grid_y - kGap;
    out << "<text class=\"source\" x=\"" << x << "\" y=\"" << y << "\" transform=\"rotate(-"
        << kAngleDegrees << ' ' << x << ' ' << y << ")\">" << xml(source[s]) << "</text>\n";
  }
  for (size_t t = 0; t < target.size(); ++t) {
    out << "<text class=\"target\" x=\"" << l.grid_x - kGap << "\" y=\""
        << l.grid_y + kCell * (t + 0.5) + kBaseline * kLabelFont << "\" text-anchor=\"end\">"
        << xml(target[t]) << "</text>\n";
  }
  out << "</g>\n";
}

// Each cell carries a <title> tooltip ("Mann → man: 0.803") for viewers that show one.
void write_cells(std::ostream& out, const std::vector<Text>& source,
                 const std::vector<Text>& target, const std::vector<std::vector<float>>& weights,
                 const Layout& l) {
  out << "<g stroke=\"#e0e0e0\" stroke-width=\"0.5\">\n";
  for (size_t t = 0; t < target.size(); ++t) {
    for (size_t s = 0; s < source.size(); ++s) {
      const float w = weights[t][s];
      std::ostringstream tip;
      tip << std::fixed << std::setprecision(3) << w;
      out << "<rect class=\"cell\" x=\"" << l.grid_x + kCell * s << "\" y=\""
          << l.grid_y + kCell * t << "\" width=\"" << kCell << "\" height=\"" << kCell
          << "\" fill=\"" << colour(w) << "\"><title>" << xml(source[s]) << " \u2192 "
          << xml(target[t]) << ": " << tip.str() << "</title></rect>\n";
    }
  }
  out << "</g>\n<g font-size=\"" << kWeightFont << "\" text-anchor=\"middle\">\n";
  for (size_t t = 0; t < target.size(); ++t) {
    for (size_t s = 0; s < source.size(); ++s) {
      const float w = weights[t][s];
      if (w < 0.1f) continue;  // small weights stay unlabelled so the peaks stand out
      out << "<text class=\"weight\" x=\"" << l.grid_x + kCell * (s + 0.5) << "\" y=\""
          << l.grid_y + kCell * (t + 0.5) + kBaseline * kWeightFont << "\" fill=\""
          << (w >= 0.5f ? "#ffffff" : kDarkHex) << "\">" << std::lround(std::min(w, 1.0f) * 100)
          << "</text>\n";
    }
  }
  out << "</g>\n";
}

void write_legend(std::ostream& out, const Layout& l) {
  const double y = l.legend_y, text_y = y + 10 + kGap + kLegendFont * 0.6;
  out << "<defs><linearGradient id=\"nmt-attention-scale\"><stop offset=\"0\" "
         "stop-color=\"#ffffff\"/><stop offset=\"1\" stop-color=\""
      << kDarkHex << "\"/></linearGradient></defs>\n"
      << "<g class=\"legend\" font-size=\"" << kLegendFont << "\" fill=\"#222\">\n"
      << "<rect x=\"" << l.grid_x << "\" y=\"" << y << "\" width=\"" << kLegendBar
      << "\" height=\"10\" fill=\"url(#nmt-attention-scale)\" stroke=\"#999\" "
         "stroke-width=\"0.5\"/>\n"
      << "<text x=\"" << l.grid_x << "\" y=\"" << text_y << "\">0</text>\n"
      << "<text x=\"" << l.grid_x + kLegendBar << "\" y=\"" << text_y
      << "\" text-anchor=\"end\">1</text>\n"
      << "<text x=\"" << l.grid_x + kLegendBar + kGap << "\" y=\"" << y + 9
      << "\">attention weight</text>\n</g>\n";
}

}  // namespace

std::string attention_label(const std::string& piece) { return encode_utf8(display_label(piece)); }

std::string attention_svg(const std::vector<std::string>& source,
                          const std::vector<std::string>& target,
                          const std::vector<std::vector<float>>& weights,
                          const std::string& title) {
  check_shapes(source, target, weights);
  std::vector<Text> src, trg;
  for (const auto& p : source) src.push_back(display_label(p));
  for (const auto& p : target) trg.push_back(display_label(p));
  const Text title_text = decode_checked(title);
  const Layout l = make_layout(src, trg, title_text);

  std::ostringstream out;
  out.imbue(std::locale::classic());
  out << std::fixed << std::setprecision(1);
  out << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << l.width << "\" height=\""
      << l.height << "\" viewBox=\"0 0 " << l.width << ' ' << l.height
      << "\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n"
      << "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n";
  if (!title_text.empty()) {
    out << "<text class=\"title\" x=\"" << kMargin << "\" y=\"" << kMargin + kTitleFont
        << "\" font-size=\"" << kTitleFont << "\" font-weight=\"bold\">" << xml(title_text)
        << "</text>\n";
  }
  write_labels(out, src, trg, l);
  write_cells(out, src, trg, weights, l);
  out << "<rect x=\"" << l.grid_x << "\" y=\"" << l.grid_y << "\" width=\"" << kCell * src.size()
      << "\" height=\"" << kCell * trg.size()
      << "\" fill=\"none\" stroke=\"#999\" stroke-width=\"0.5\"/>\n";
  write_legend(out, l);
  out << "</svg>\n";
  return out.str();
}

}  // namespace nmt
