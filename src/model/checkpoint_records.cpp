#include "model/checkpoint_records.h"

#include <caffe2/serialize/inline_container.h>
#include <torch/csrc/jit/api/compilation_unit.h>
#include <torch/csrc/jit/serialization/import_read.h>
#include <torch/csrc/jit/serialization/storage_context.h>

#include <map>
#include <sstream>
#include <tuple>

#include "common/errors.h"

namespace nmt {
namespace {

std::string storage_shape_text(const torch::Tensor& t) {
  std::ostringstream out;
  out << t.sizes();
  return out.str();
}

// Bytes of each storage the archive's tensors use, by storage.
using StorageBytes = std::map<const void*, size_t>;

// A tensor whose shape and strides reach past its storage would be read out of bounds.
void check_fits_storage(const torch::Tensor& t, const std::string& what, const std::string& path,
                        StorageBytes& storages) {
  if (!t.has_storage()) return;
  storages[t.storage().unsafeGetStorageImpl()] = t.storage().nbytes();
  if (t.numel() == 0) return;
  bool fits = t.storage_offset() >= 0;
  __int128 last = t.storage_offset();
  for (int64_t d = 0; fits && d < t.dim(); ++d) {
    fits = t.stride(d) >= 0;
    last += static_cast<__int128>(t.size(d) - 1) * t.stride(d);
  }
  if (!fits || (last + 1) * t.element_size() > static_cast<__int128>(t.storage().nbytes())) {
    throw DataError(path + ": checkpoint tensor '" + what + "' is damaged (its shape " +
                    storage_shape_text(t) + " reaches past its data)");
  }
}

void collect_tensors(const c10::IValue& value, const std::string& what, const std::string& path,
                     StorageBytes& storages) {
  if (value.isTensor()) {
    check_fits_storage(value.toTensor(), what, path, storages);
  } else if (value.isGenericDict()) {
    for (const auto& item : value.toGenericDict()) {
      const auto& key = item.key();
      collect_tensors(item.value(), what + "/" + (key.isString() ? key.toStringRef() : "?"), path,
                      storages);
    }
  } else if (value.isList()) {
    for (const auto& item : value.toListRef()) collect_tensors(item, what, path, storages);
  } else if (value.isTuple()) {
    for (const auto& item : value.toTupleRef().elements()) {
      collect_tensors(item, what, path, storages);
    }
  } else if (value.isObject()) {
    const auto object = value.toObject();
    for (size_t i = 0; i < object->slots().size(); ++i) {
      collect_tensors(object->getSlot(i), what + "/" + object->type()->getAttributeName(i), path,
                      storages);
    }
  }
}

// The bytes each storage of the archive declares, by the name of the record that holds its
// data ("data/NAME"). The archive's pickle is read again with objects of every class read as
// empty ones: only its storages are wanted, and none of their data is touched.
std::map<std::string, size_t> declared_storage_bytes(
    caffe2::serialize::PyTorchStreamReader& reader) {
  auto classes = std::make_shared<torch::jit::CompilationUnit>();
  const auto resolve = [classes](const c10::QualifiedName& name) {
    // Container type tags ("Dict[str, Tensor]") are types LibTorch parses; classes are ours.
    if (name.qualifiedName().rfind("__torch__.", 0) != 0) {
      return c10::StrongTypePtr(classes,
                                torch::jit::Unpickler::defaultTypeParser(name.qualifiedName()));
    }
    auto type = classes->get_class(name);
    if (!type) {
      type = c10::ClassType::create(name, classes);
      classes->register_type(type);
    }
    return c10::StrongTypePtr(classes, type);
  };
  const auto load = [](const c10::StrongTypePtr& type, const c10::IValue&) {
    return c10::ivalue::Object::create(type, 0);
  };
  const auto storages = std::make_shared<torch::jit::DeserializationStorageContext>();
  torch::jit::readArchiveAndTensors("data", "", "", resolve, load, c10::nullopt, reader,
                                    torch::jit::Unpickler::defaultTypeParser, storages);
  std::map<std::string, size_t> declared;
  for (const auto& name : reader.getAllRecords()) {
    if (name.rfind("data/", 0) != 0) continue;
    const auto key = name.substr(5);
    if (storages->hasStorage(key)) declared[name] = storages->getStorage(key).nbytes();
  }
  return declared;
}

}  // namespace

void check_tensor_records(const std::vector<std::string>& keys,
                          const std::vector<c10::IValue>& values, const std::string& path) {
  StorageBytes storages;
  for (size_t i = 0; i < keys.size(); ++i) collect_tensors(values[i], keys[i], path, storages);
  caffe2::serialize::PyTorchStreamReader reader(path);
  for (const auto& [name, bytes] : declared_storage_bytes(reader)) {
    const size_t stored = bytes == 0 ? 0 : std::get<1>(reader.getRecord(name));
    if (stored != bytes) {
      throw DataError(path + ": damaged checkpoint (its record " + name + " holds " +
                      std::to_string(stored) + " bytes, its tensor declares " +
                      std::to_string(bytes) + ")");
    }
  }
}

}  // namespace nmt
