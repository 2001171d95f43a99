// Tests of the attention heatmap SVG: cell count, the colour scale, piece labels and their
// XML escaping, a balanced document, canvas size from code points, and shape errors.
#include <array>
#include <catch2/catch.hpp>
#include <limits>
#include <string>
#include <vector>

#include "common/errors.h"
#include "eval/attention_plot.h"

using Catch::Contains;
using nmt::attention_label;
using nmt::attention_svg;
using Pieces = std::vector<std::string>;
using Weights = std::vector<std::vector<float>>;

namespace {

size_t count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

// The fill colours of the cells in document order (row-major), as {r, g, b}.
std::vector<std::array<int, 3>> cell_fills(const std::string& svg) {
  std::vector<std::array<int, 3>> fills;
  for (size_t at = svg.find("class=\"cell\""); at != std::string::npos;
       at = svg.find("class=\"cell\"", at + 1)) {
    const size_t hash = svg.find("fill=\"#", at) + 7;
    std::array<int, 3> rgb{};
    for (int k = 0; k < 3; ++k) rgb[k] = std::stoi(svg.substr(hash + 2 * k, 2), nullptr, 16);
    fills.push_back(rgb);
  }
  return fills;
}

// Attribute `name` of the root element, as a number.
double root_attribute(const std::string& svg, const std::string& name) {
  const size_t at = svg.find(" " + name + "=\"");
  REQUIRE(at < svg.find('>'));
  return std::stod(svg.substr(at + name.size() + 3));
}

// A tag-stack check: every element closes in order, one root, no stray '<' or '&'. Returns
// the first problem, or "" for a balanced document.
std::string balance_problem(const std::string& doc) {
  std::vector<std::string> open;
  int roots = 0;
  for (size_t i = 0; i < doc.size(); ++i) {
    if (doc[i] == '&') {
      const std::string rest = doc.substr(i, 6);
      bool entity = false;
      for (const char* e : {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"}) {
        entity |= rest.rfind(e, 0) == 0;
      }
      if (!entity) return "stray '&' at " + std::to_string(i);
    }
    if (doc[i] != '<') continue;
    const size_t end = doc.find('>', i);
    if (end == std::string::npos) return "unterminated tag at " + std::to_string(i);
    const std::string tag = doc.substr(i + 1, end - i - 1);
    if (tag.find('<') != std::string::npos) return "'<' inside tag at " + std::to_string(i);
    i = end;
    if (tag.front() == '/') {
      if (open.empty() || open.back() != tag.substr(1)) return "unexpected </" + tag.substr(1);
      open.pop_back();
      continue;
    }
    if (open.empty()) ++roots;
    if (tag.back() != '/') open.push_back(tag.substr(0, tag.find_first_of(" \n")));
  }
  if (!open.empty()) return "<" + open.back() + "> never closed";
  return roots == 1 ? "" : std::to_string(roots) + " root elements";
}

const Pieces kSource = {"\u2581Ein", "\u2581Mann", "</s>"};
const Pieces kTarget = {"\u2581A", "\u2581man", "</s>"};
const Weights kWeights = {{0.9f, 0.05f, 0.05f}, {0.1f, 0.8f, 0.1f}, {0.0f, 0.1f, 0.9f}};

}  // namespace

TEST_CASE("attention plot: one cell per (target, source) pair and one label each", "[eval][plot]") {
  const Pieces source = {"\u2581a", "b", "\u2581c", "d"};
  const Pieces target = {"\u2581x", "y", "</s>"};
  const Weights weights(3, std::vector<float>(4, 0.25f));
  const std::string svg = attention_svg(source, target, weights, "line 1");
  CHECK(count(svg, "class=\"cell\"") == 3 * 4);
  CHECK(count(svg, "class=\"source\"") == 4);
  CHECK(count(svg, "class=\"target\"") == 3);
  CHECK(count(attention_svg({"\u2581a"}, {"\u2581b"}, {{1.0f}}, ""), "class=\"cell\"") == 1);
}

TEST_CASE("attention plot: cell colour darkens monotonically with the weight", "[eval][plot]") {
  const std::string svg = attention_svg({"a", "b", "c"}, {"x"}, {{0.0f, 0.5f, 1.0f}}, "");
  const auto fills = cell_fills(svg);
  REQUIRE(fills.size() == 3);
  // White at 0, #08306b at 1, and halfway each channel: 255 + (8 - 255) / 2 = 131.5 -> 132,
  // 255 + (48 - 255) / 2 = 151.5 -> 152, 255 + (107 - 255) / 2 = 181.
  CHECK(fills[0] == std::array<int, 3>{255, 255, 255});
  CHECK(fills[1] == std::array<int, 3>{132, 152, 181});
  CHECK(fills[2] == std::array<int, 3>{8, 48, 107});

  // Over a finer sweep, every channel strictly falls as the weight rises.
  std::vector<float> sweep;
  for (int k = 0; k <= 20; ++k) sweep.push_back(k / 20.0f);
  const auto swept = cell_fills(attention_svg(Pieces(sweep.size(), "s"), {"t"}, {sweep}, ""));
  REQUIRE(swept.size() == sweep.size());
  for (size_t k = 1; k < swept.size(); ++k) {
    INFO("weight " << sweep[k]);
    for (int c = 0; c < 3; ++c) CHECK(swept[k][c] < swept[k - 1][c]);
  }
}

TEST_CASE("attention plot: only weights >= 0.1 are printed, as percentages", "[eval][plot]") {
  const std::string svg = attention_svg({"a", "b", "c"}, {"x"}, {{0.05f, 0.15f, 0.8f}}, "");
  CHECK(count(svg, "class=\"weight\"") == 2);
  CHECK_THAT(svg, Contains(">15</text>") && Contains(">80</text>"));
  CHECK(count(svg, ">5</text>") == 0);
}

TEST_CASE("attention plot: labels drop the word mark and flag word-internal pieces",
          "[eval][plot]") {
  CHECK(attention_label("\u2581Mann") == "Mann");
  CHECK(attention_label("nn") == "\u00b7nn");
  CHECK(attention_label("\u2581New\u2581York") == "New York");
  CHECK(attention_label(".") == ".");
  CHECK(attention_label("\u00bb\u2026") == "\u00bb\u2026");  // »…
  CHECK(attention_label("</s>") == "</s>");
  CHECK(attention_label("\u2581") == "\u2581");
  const std::string svg = attention_svg(kSource, kTarget, kWeights, "line 3");
  CHECK_THAT(svg, Contains(">Mann</text>") && Contains(">man</text>") &&
                      Contains(">&lt;/s&gt;</text>") && Contains(">line 3</text>"));
  CHECK(count(svg, "\u2581") == 0);
}

TEST_CASE("attention plot: every label and the title are XML-escaped", "[eval][plot]") {
  const std::string svg = attention_svg({"\u2581<b>&", "\"q'"}, {"\u2581a>b", "</s>"},
                                        {{0.5f, 0.5f}, {0.0f, 1.0f}}, "x & <y>");
  CHECK_THAT(svg, Contains(">&lt;b&gt;&amp;</text>"));
  CHECK_THAT(svg, Contains(">\u00b7&quot;q&apos;</text>"));
  CHECK_THAT(svg, Contains(">a&gt;b</text>"));
  CHECK_THAT(svg, Contains(">x &amp; &lt;y&gt;</text>"));
  CHECK(count(svg, "<b>") == 0);
  CHECK(balance_problem(svg).empty());
}

TEST_CASE("attention plot: the document is one balanced <svg> element", "[eval][plot]") {
  const std::string svg = attention_svg(kSource, kTarget, kWeights, "line 3");
  CHECK(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0) == 0);
  CHECK(svg.substr(svg.size() - 7) == "</svg>\n");
  CHECK(balance_problem(svg) == "");
  // The checker itself catches what it is for.
  CHECK(balance_problem("<svg><g></svg>") == "unexpected </svg");
  CHECK(balance_problem("<svg>a & b</svg>") == "stray '&' at 7");
  CHECK(balance_problem("<svg/><svg/>") == "2 root elements");
}

TEST_CASE("attention plot: the canvas grows with labels counted in code points", "[eval][plot]") {
  auto size_with = [](const std::string& target_piece, const std::string& source_piece) {
    const std::string svg = attention_svg({source_piece}, {target_piece}, {{1.0f}}, "");
    return std::array<double, 2>{root_attribute(svg, "width"), root_attribute(svg, "height")};
  };
  const std::string ten_a(10, 'a');
  std::string ten_umlauts;
  for (int k = 0; k < 10; ++k) ten_umlauts += "\u00e4";  // 2 bytes each
  CHECK(size_with(ten_umlauts, "x") == size_with(ten_a, "x"));
  CHECK(size_with("x", ten_umlauts) == size_with("x", ten_a));
  // Longer row labels widen the canvas; longer (rotated) column labels also heighten it.
  CHECK(size_with(ten_a + ten_a, "x")[0] > size_with(ten_a, "x")[0]);
  CHECK(size_with("x", ten_a + ten_a)[1] > size_with("x", ten_a)[1]);
}

TEST_CASE("attention plot: shape mismatches throw naming the sizes", "[eval][plot]") {
  REQUIRE_THROWS_WITH(attention_svg(kSource, kTarget, {{1, 0, 0}, {0, 1, 0}}, ""),
                      Contains("weights have 2 rows but target has 3 pieces"));
  REQUIRE_THROWS_WITH(attention_svg(kSource, kTarget, {{1, 0, 0}, {0, 1}, {0, 0, 1}}, ""),
                      Contains("row 1 has 2 columns but source has 3 pieces"));
  const float nan = std::numeric_limits<float>::quiet_NaN();
  REQUIRE_THROWS_WITH(attention_svg(kSource, kTarget, {{1, 0, 0}, {0, nan, 0}, {0, 0, 1}}, ""),
                      Contains("weight [1][1] is not finite"));
  REQUIRE_THROWS_AS(attention_svg({"\xff"}, {"a"}, {{1.0f}}, ""), nmt::Error);
}
