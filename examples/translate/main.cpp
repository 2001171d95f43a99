// translate MODEL_DIR: sentences on standard input, their translations on standard output, one
// line each, with the model's defaults (beam 5; precision, workers and threads by the machine).
// Reads the input in blocks, so that a long file streams through with little memory.
#include <nmt/nmt.h>

#include <iostream>
#include <string>
#include <vector>

namespace {

void translate_block(const nmt::api::Model& model, std::vector<std::string>& lines) {
  for (const auto& result : model.translate(lines)) {
    std::cout << (result.hypotheses.empty() ? "" : result.hypotheses.front().text) << "\n";
  }
  std::cout.flush();
  lines.clear();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: " << argv[0] << " MODEL_DIR < sentences > translations\n";
    return 2;
  }
  try {
    const nmt::api::Model model(argv[1]);
    for (const auto& choice : model.choices()) std::cerr << "translate: " << choice << "\n";
    std::vector<std::string> lines;
    for (std::string line; std::getline(std::cin, line);) {
      lines.push_back(line);
      if (lines.size() == 1024) translate_block(model, lines);
    }
    translate_block(model, lines);
  } catch (const nmt::api::Error& e) {
    std::cerr << "translate: error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
