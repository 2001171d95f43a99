// A worker's place read from the environment: torchrun's variables, SLURM's for the
// machine-local ones where torchrun's are not set, and MASTER_ADDR checked and unbracketed.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>

#include "cli/worker_environment.h"
#include "common/errors.h"

namespace {

// Sets `variables` (an empty value unsets) for the object's lifetime.
class Environment {
 public:
  explicit Environment(const std::map<std::string, std::string>& variables) {
    for (const auto& [name, value] : variables) {
      const char* old = std::getenv(name.c_str());
      saved_[name] = old ? std::optional<std::string>(old) : std::nullopt;
      if (value.empty()) {
        ::unsetenv(name.c_str());
      } else {
        ::setenv(name.c_str(), value.c_str(), 1);
      }
    }
  }
  ~Environment() {
    for (const auto& [name, value] : saved_) {
      if (value) {
        ::setenv(name.c_str(), value->c_str(), 1);
      } else {
        ::unsetenv(name.c_str());
      }
    }
  }

 private:
  std::map<std::string, std::optional<std::string>> saved_;
};

const std::map<std::string, std::string> kWorker = {
    {"WORLD_SIZE", "4"},          {"RANK", "3"},
    {"MASTER_ADDR", "127.0.0.1"}, {"MASTER_PORT", "29500"},
    {"LOCAL_RANK", ""},           {"LOCAL_WORLD_SIZE", ""},
    {"SLURM_LOCALID", ""},        {"SLURM_NTASKS_PER_NODE", ""}};

std::map<std::string, std::string> with(std::map<std::string, std::string> base,
                                        const std::map<std::string, std::string>& changes) {
  for (const auto& [name, value] : changes) base[name] = value;
  return base;
}

}  // namespace

TEST_CASE("worker environment: SLURM's local rank and tasks per node where torchrun's are unset",
          "[cli][workers]") {
  {
    const Environment alone(kWorker);
    const auto a = nmt::cli::worker_address_from_environment();
    CHECK(a.rank == 3);
    CHECK(a.world_size == 4);
    CHECK(a.local_rank == 3);  // one worker per machine
    CHECK(a.local_world_size == 1);
  }
  {
    const Environment slurm(
        with(kWorker, {{"SLURM_LOCALID", "1"}, {"SLURM_NTASKS_PER_NODE", "2"}}));
    const auto a = nmt::cli::worker_address_from_environment();
    CHECK(a.local_rank == 1);
    CHECK(a.local_world_size == 2);
  }
  {
    const Environment both(with(kWorker, {{"SLURM_LOCALID", "1"},
                                          {"SLURM_NTASKS_PER_NODE", "2"},
                                          {"LOCAL_RANK", "0"},
                                          {"LOCAL_WORLD_SIZE", "4"}}));
    const auto a = nmt::cli::worker_address_from_environment();
    CHECK(a.local_rank == 0);
    CHECK(a.local_world_size == 4);
  }
}

TEST_CASE("worker environment: MASTER_ADDR in brackets, and one that cannot be resolved",
          "[cli][workers]") {
  {
    const Environment v6(with(kWorker, {{"MASTER_ADDR", "[::1]"}}));
    CHECK(nmt::cli::worker_address_from_environment().master_addr == "::1");
  }
  {
    const Environment nowhere(with(kWorker, {{"MASTER_ADDR", "no-such-host.invalid"}}));
    CHECK_THROWS_WITH(nmt::cli::worker_address_from_environment(),
                      Catch::Contains("MASTER_ADDR 'no-such-host.invalid': cannot resolve"));
  }
  {
    const Environment half({{"WORLD_SIZE", ""}, {"RANK", "1"}});
    CHECK_THROWS_AS(nmt::cli::refuse_half_set_worker_variables(), nmt::ConfigError);
  }
}
