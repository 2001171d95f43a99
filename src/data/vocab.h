// Subword vocabularies: SentencePiece models trained from the training corpus into the
// model directory, with fixed special ids shared by every model.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace nmt {

struct DataConfig;
class SentencePieceModel;
struct ParallelCorpus;

/// Special ids, fixed for every subword model nmt trains.
enum SpecialId : int { kUnkId = 0, kPadId = 1, kBosId = 2, kEosId = 3 };

/// A loaded SentencePiece model: text <-> subword ids.
class Vocab {
 public:
  /// Loads a SentencePiece model file; throws DataError naming the file.
  explicit Vocab(const std::string& model_file);
  ~Vocab();

  std::vector<int> encode(std::string_view text) const;
  std::vector<std::string> encode_pieces(std::string_view text) const;
  /// Detokenised text; special ids are skipped.
  std::string decode(const std::vector<int>& ids) const;
  std::string piece(int id) const;
  int size() const;
  const std::string& file() const { return file_; }

 private:
  std::string file_;
  std::unique_ptr<SentencePieceModel> model_;
};

/// The subword models of a language pair; `src` and `trg` are the same object when joint.
struct Vocabs {
  std::shared_ptr<Vocab> src, trg;
};

/// Paths of the subword model files for this config inside `model_dir`
/// (`spm.model` when joint, else `spm.<src>.model` and `spm.<trg>.model`).
std::vector<std::string> subword_model_files(const DataConfig& data, const std::string& model_dir);

/// What identifies the subword models `files` (their sizes and CRC-32s, in order): equal
/// fingerprints, the same subwords. Throws Error naming a file that cannot be read.
std::string subword_fingerprint(const std::vector<std::string>& files);

/// Loads the subword models from `model_dir`, training them first from `train` if they are
/// missing. A present model whose vocabulary size differs from the config is an error.
Vocabs prepare_vocabs(const DataConfig& data, const std::string& model_dir,
                      const ParallelCorpus& train);

/// Trains one SentencePiece model on `sentences` into `model_file` (written atomically).
void train_subword_model(const std::vector<const std::vector<std::string>*>& sentences,
                         const DataConfig& data, const std::string& model_file);

}  // namespace nmt
