// Subword models: training from in-memory corpora (which may come from gzip files) and
// loading, through the SentencePiece plugin.
#include "data/vocab.h"

#include <spdlog/spdlog.h>
#include <zlib.h>

#include <filesystem>

#include "common/config.h"
#include "common/errors.h"
#include "common/files.h"
#include "common/utf8.h"
#include "data/corpus.h"
#include "data/sentencepiece_backend.h"

namespace nmt {

Vocab::Vocab(const std::string& model_file)
    : file_(model_file), model_(open_sentencepiece(model_file)) {}

Vocab::~Vocab() = default;

std::vector<int> Vocab::encode(std::string_view text) const { return model_->encode(text); }

std::vector<std::string> Vocab::encode_pieces(std::string_view text) const {
  return model_->encode_pieces(text);
}

std::string Vocab::decode(const std::vector<int>& ids) const {
  std::vector<int> kept;
  kept.reserve(ids.size());
  for (int id : ids) {
    if (id != kPadId && id != kBosId && id != kEosId) kept.push_back(id);
  }
  return model_->decode(kept);
}

std::string Vocab::piece(int id) const { return model_->piece(id); }

int Vocab::size() const { return model_->size(); }
std::vector<std::string> subword_model_files(const DataConfig& data, const std::string& model_dir) {
  const std::filesystem::path dir(model_dir);
  if (data.subwords.joint) return {(dir / "spm.model").string()};
  return {(dir / ("spm." + data.src + ".model")).string(),
          (dir / ("spm." + data.trg + ".model")).string()};
}

std::string subword_fingerprint(const std::vector<std::string>& files) {
  std::string fingerprint;
  for (const auto& file : files) {
    const auto bytes = read_file(file);
    const auto crc =
        crc32_z(crc32_z(0, nullptr, 0), reinterpret_cast<const Bytef*>(bytes.data()), bytes.size());
    fingerprint += fmt::format("{}{}:{:08x}", fingerprint.empty() ? "" : " ", bytes.size(), crc);
  }
  return fingerprint;
}

void train_subword_model(const std::vector<const std::vector<std::string>*>& sentences,
                         const DataConfig& data, const std::string& model_file) {
  const std::string vocab_size = std::to_string(data.subwords.vocab_size);
  const std::unordered_map<std::string, std::string> options = {
      {"model_type", choice_name(data.subwords.type)},
      {"vocab_size", vocab_size},
      {"character_coverage", std::to_string(data.subwords.character_coverage)},
      {"unk_id", std::to_string(kUnkId)},
      {"pad_id", std::to_string(kPadId)},
      {"bos_id", std::to_string(kBosId)},
      {"eos_id", std::to_string(kEosId)},
      {"input_sentence_size", "2000000"},
      {"shuffle_input_sentence", "true"},
      {"num_threads", "2"},
      {"minloglevel", "2"},
  };
  std::string proto;
  try {
    proto = train_sentencepiece(options, sentences);
  } catch (const DataError& e) {
    throw DataError(model_file + ": cannot train subword model (data.subwords.vocab_size=" +
                    vocab_size + "): " + e.what());
  }
  write_file_atomic(model_file, proto);
}

namespace {

// Code points SentencePiece's normalisation (nmt_nfkc) removes or turns into a space:
// controls, Unicode spaces, zero-width and other invisible format characters.
bool is_blank(char32_t c) {
  return c <= 0x20 || (c >= 0x7f && c <= 0xa0) || c == 0xad || c == 0x1680 || c == 0x180e ||
         (c >= 0x2000 && c <= 0x200f) || (c >= 0x2028 && c <= 0x202f) ||
         (c >= 0x205f && c <= 0x206f) || c == 0x3000 || (c >= 0xfe00 && c <= 0xfe0f) ||
         c == 0xfeff || (c >= 0xfff0 && c <= 0xfffb) || c == 0xfffd ||
         (c >= 0xe0000 && c <= 0xe0fff);
}

// SentencePiece crashes (SIGSEGV) on a corpus with no character left after normalisation, so
// such a corpus is refused before it gets there.
bool has_text(const std::vector<const std::vector<std::string>*>& corpora) {
  for (const auto* lines : corpora) {
    for (const auto& line : *lines) {
      for (char32_t c : decode_utf8(line)) {
        if (!is_blank(c)) return true;
      }
    }
  }
  return false;
}

}  // namespace

Vocabs prepare_vocabs(const DataConfig& data, const std::string& model_dir,
                      const ParallelCorpus& train) {
  const auto files = subword_model_files(data, model_dir);
  using Corpora = std::vector<const std::vector<std::string>*>;
  const std::vector<Corpora> inputs = data.subwords.joint
                                          ? std::vector<Corpora>{{&train.src, &train.trg}}
                                          : std::vector<Corpora>{{&train.src}, {&train.trg}};
  const std::vector<std::string> sources =
      data.subwords.joint ? std::vector<std::string>{train.src_file + " and " + train.trg_file}
                          : std::vector<std::string>{train.src_file, train.trg_file};
  for (size_t i = 0; i < files.size(); ++i) {
    if (!std::filesystem::exists(files[i]) && !has_text(inputs[i])) {
      throw DataError("data.train: " + sources[i] +
                      ": no text to learn subwords from (every line is empty or whitespace)");
    }
  }
  std::vector<std::shared_ptr<Vocab>> vocabs;
  for (size_t i = 0; i < files.size(); ++i) {
    if (std::filesystem::exists(files[i])) {
      spdlog::info("[data] reusing subword model {}", files[i]);
    } else {
      spdlog::info("[data] training {} subword model ({} pieces) into {}",
                   choice_name(data.subwords.type), data.subwords.vocab_size, files[i]);
      train_subword_model(inputs[i], data, files[i]);
    }
    auto vocab = std::make_shared<Vocab>(files[i]);
    if (vocab->size() != data.subwords.vocab_size) {
      throw DataError(files[i] + ": has " + std::to_string(vocab->size()) +
                      " pieces but data.subwords.vocab_size is " +
                      std::to_string(data.subwords.vocab_size) +
                      "; remove the file to retrain it, or use another model_dir");
    }
    vocabs.push_back(std::move(vocab));
  }
  return {vocabs.front(), vocabs.back()};
}

}  // namespace nmt
