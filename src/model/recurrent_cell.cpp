// The recurrent cell registry: one line per cell.
#include "model/recurrent_cell.h"

#include "common/registry.h"
#include "model/gru_cell.h"
#include "model/lstm_cell.h"

namespace nmt {
namespace {

const Registry<std::shared_ptr<const RecurrentCell>>& cell_registry() {
  static const Registry<std::shared_ptr<const RecurrentCell>> entries = [] {
    // Each lookup names its own key: model.encoder.rnn or model.decoder.rnn.
    Registry<std::shared_ptr<const RecurrentCell>> r("model.encoder.rnn");
    r.add("gru", std::make_shared<GruCell>());
    r.add("lstm", std::make_shared<LstmCell>());
    return r;
  }();
  return entries;
}

}  // namespace

std::vector<std::string> recurrent_cell_types() { return cell_registry().names(); }

const RecurrentCell& recurrent_cell(const std::string& name, const std::string& key) {
  return *cell_registry().at(name, key);
}

}  // namespace nmt
