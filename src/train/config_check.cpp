#include "train/config_check.h"

#include "common/config.h"
#include "common/errors.h"
#include "model/config_check.h"
#include "train/optimizer.h"
#include "train/schedule.h"

namespace nmt {

void check_config(const Config& config) {
  check_model_config(config);
  try {
    make_schedule(config.train);
    make_optimizer(config.train, {});
  } catch (const ConfigKeyError& e) {
    throw ConfigError(where_set(config, e.key()) + ": " + e.what());
  }
}

}  // namespace nmt
