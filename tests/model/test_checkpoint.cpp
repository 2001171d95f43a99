// Damaged checkpoints are one error line naming the file, never a crash, a LibTorch
// backtrace or an out-of-bounds read: a cut file, fields of the wrong type, a junk random
// generator state, and a well-formed archive whose tensor record is shorter than its shape.
#include <caffe2/serialize/inline_container.h>
#include <torch/torch.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>

#include "model/checkpoint.h"
#include "support/run_command.h"
#include "train/train_fixtures.h"

namespace fs = std::filesystem;
using Catch::Contains;

namespace {

// A copy of `checkpoint` (model part only) with the fields in `replace` set to other values.
void write_altered(const std::string& checkpoint, const std::string& out,
                   const std::map<std::string, c10::IValue>& replace) {
  torch::serialize::InputArchive in;
  in.load_from(checkpoint);
  torch::serialize::OutputArchive archive;
  for (const auto& key : in.keys()) {
    if (key == "optimizer") continue;
    c10::IValue value;
    REQUIRE(in.try_read(key, value));
    archive.write(key, replace.count(key) ? replace.at(key) : value);
  }
  for (const auto& [key, value] : replace) {
    const auto keys = in.keys();
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) archive.write(key, value);
  }
  archive.save_to(out);
}

// A copy of `checkpoint` whose largest tensor record keeps only its first half; the archive
// itself stays well-formed (its checksums are those of the new records).
void write_with_short_record(const std::string& checkpoint, const std::string& out) {
  caffe2::serialize::PyTorchStreamReader reader(checkpoint);
  std::string largest;
  size_t largest_size = 0;
  for (const auto& name : reader.getAllRecords()) {
    if (name.rfind("data/", 0) != 0) continue;
    const auto size = std::get<1>(reader.getRecord(name));
    if (size > largest_size) largest = name, largest_size = size;
  }
  REQUIRE(largest_size > 64);
  caffe2::serialize::PyTorchStreamWriter writer(out);
  for (const auto& name : reader.getAllRecords()) {
    if (name == "version" || name == ".data/version") continue;  // the writer adds its own
    auto [data, size] = reader.getRecord(name);
    writer.writeRecord(name, data.get(), name == largest ? size / 2 : size);
  }
  writer.writeEndOfFile();
}

// A copy of `checkpoint` in which two tensor records of different sizes hold each other's
// bytes: the sizes the file holds are the sizes it declares, but not record by record.
void write_with_swapped_records(const std::string& checkpoint, const std::string& out) {
  caffe2::serialize::PyTorchStreamReader reader(checkpoint);
  std::string first, second;
  for (const auto& name : reader.getAllRecords()) {
    if (name.rfind("data/", 0) != 0) continue;
    if (first.empty()) {
      first = name;
    } else if (std::get<1>(reader.getRecord(name)) != std::get<1>(reader.getRecord(first))) {
      second = name;
      break;
    }
  }
  REQUIRE(!second.empty());
  caffe2::serialize::PyTorchStreamWriter writer(out);
  for (const auto& name : reader.getAllRecords()) {
    if (name == "version" || name == ".data/version") continue;  // the writer adds its own
    const auto& source = name == first ? second : name == second ? first : name;
    auto [data, size] = reader.getRecord(source);
    writer.writeRecord(name, data.get(), size);
  }
  writer.writeEndOfFile();
}

// Runs `nmt translate` on `checkpoint`: the last line of its output, and its status.
nmt::test::CommandResult translate_with(const std::string& model, const std::string& checkpoint,
                                        const nmt::test::TempDir& dir) {
  nmt::test::write_text(dir.file("in.txt"), "red dog\n");
  return nmt::test::run_command(nmt::test::nmt_binary() + " translate --model '" + model +
                                "' --checkpoint '" + checkpoint + "' --input '" +
                                dir.file("in.txt") + "'");
}

void require_one_error_line(const nmt::test::CommandResult& r, const std::string& expected) {
  INFO(r.output);
  CHECK(r.status == 1);
  CHECK(std::count(r.output.begin(), r.output.end(), '\n') == 1);
  CHECK(r.output.rfind("nmt: error: ", 0) == 0);
  CHECK_THAT(r.output, Contains(expected));
}

}  // namespace

TEST_CASE("checkpoint: damage is one error line naming the file", "[model][checkpoint]") {
  nmt::test::TempDir dir;
  const auto model = nmt::test::train_tiny_model(dir);
  const auto good = nmt::list_step_checkpoints(model).back();
  const auto bad = dir.file("bad.ckpt");

  SECTION("a file cut short") {
    const auto bytes = nmt::test::read_text(good);
    nmt::test::write_text(bad, bytes.substr(0, bytes.size() / 2));
    require_one_error_line(translate_with(model, bad, dir), bad + ": not a readable checkpoint");
  }
  SECTION("a field of the wrong type") {
    write_altered(good, bad, {{"step", c10::IValue(std::string("ten"))}});
    require_one_error_line(translate_with(model, bad, dir),
                           bad + ": checkpoint field 'step' is not an integer");
  }
  SECTION("a junk random generator state: translating never uses it") {
    // (Resuming sets it, and LibTorch's refusal is the "damaged checkpoint" line above.)
    write_altered(good, bad, {{"rng", c10::IValue(torch::ones({7}, torch::kUInt8))}});
    const auto translated = translate_with(model, bad, dir);
    INFO(translated.output);
    CHECK(translated.status == 0);
  }
  SECTION("a GPU generator state that is not a vector, and worker states that are no matrix") {
    write_altered(good, bad, {{"cuda_rng", c10::IValue(torch::ones({2, 2}, torch::kUInt8))}});
    require_one_error_line(translate_with(model, bad, dir),
                           bad + ": checkpoint field 'cuda_rng' is not a vector");
    write_altered(good, bad, {{"worker_cuda_rng", c10::IValue(torch::ones({4}, torch::kUInt8))}});
    require_one_error_line(translate_with(model, bad, dir),
                           bad + ": checkpoint field 'worker_cuda_rng' is not a matrix");
  }
  SECTION("a tensor record shorter than its shape") {
    write_with_short_record(good, bad);
    require_one_error_line(translate_with(model, bad, dir),
                           bad + ": damaged checkpoint (its record data/");
  }
  SECTION("two tensor records that hold each other's bytes") {
    write_with_swapped_records(good, bad);
    require_one_error_line(translate_with(model, bad, dir),
                           bad + ": damaged checkpoint (its record data/");
  }
  SECTION("the undamaged checkpoint translates") {
    const auto r = translate_with(model, good, dir);
    INFO(r.output);
    CHECK(r.status == 0);
  }
}
