// connect_workers() through LibTorch's c10d: a TCPStore hosted by rank 0 for the rendezvous
// and for short texts, and ProcessGroupGloo for the tensors.
#include <spdlog/spdlog.h>

#include "build_info.h"
#include "common/errors.h"
#include "train/collective.h"

#if NMT_HAVE_C10D
#ifndef USE_C10D_GLOO    // LibTorch's CMake config defines it where its build has Gloo
#define USE_C10D_GLOO 1  // ProcessGroupGloo.hpp declares nothing without it
#endif
#include <torch/torch.h>

#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#endif

namespace nmt {

#if NMT_HAVE_C10D
namespace {

// LibTorch's errors carry a backtrace after their first line (c10::Error) or not (c10d's).
std::string describe(const std::exception& e) {
  if (const auto* error = dynamic_cast<const c10::Error*>(&e)) {
    return first_line(error->what_without_backtrace());
  }
  return first_line(e.what());
}

bool is_timeout(const std::string& why) {
  return why.find("imeout") != std::string::npos || why.find("imed out") != std::string::npos;
}

Error not_joined(const std::string& where, const std::string& seconds, const std::string& why) {
  return Error("the other workers did not all join " + where + " within " + seconds +
               " s (are they all started, with the same --nnodes and --master? "
               "train.distributed_timeout sets the wait): " +
               why);
}

class C10dWorkers : public Collective {
 public:
  C10dWorkers(const WorkerAddress& address, std::chrono::milliseconds timeout)
      : rank_(address.rank), world_size_(address.world_size) {
    const std::string where = address.master_addr + ":" + std::to_string(address.master_port);
    const auto seconds = std::to_string(timeout.count() / 1000);
    c10d::TCPStoreOptions options;
    options.port = static_cast<uint16_t>(address.master_port);
    options.isServer = rank_ == 0 && !address.agent_store;
    options.numWorkers = static_cast<size_t>(world_size_);
    options.timeout = timeout;
    // The store's own wait for the others to join ends without an error when it times out on
    // rank 0, and Gloo's rendezvous below then waits the timeout again: there, it alone waits.
    options.waitWorkers = rank_ != 0;
    try {
      store_ = c10::make_intrusive<c10d::TCPStore>(address.master_addr, options);
    } catch (const std::exception& e) {
      const auto why = describe(e);
      if (rank_ != 0 || address.agent_store) {
        throw Error("cannot reach the master " + where + " within " + seconds +
                    " s (is the worker of rank 0 running there? train.distributed_timeout sets "
                    "the wait): " +
                    why);
      }
      if (is_timeout(why)) throw not_joined(where, seconds, why);
      throw Error("cannot listen on " + where +
                  " for the other workers (is the port in use? choose another with --master or "
                  "MASTER_PORT): " +
                  why);
    }
    auto gloo = c10d::ProcessGroupGloo::Options::create(timeout);
    try {
      if (!address.gloo_interface.empty()) {
        gloo->devices.push_back(
            c10d::ProcessGroupGloo::createDeviceForInterface(address.gloo_interface));
      } else if (!address.gloo_address.empty()) {
        gloo->devices.push_back(
            c10d::ProcessGroupGloo::createDeviceForHostname(address.gloo_address));
      } else {
        gloo->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
      }
      group_ = c10::make_intrusive<c10d::ProcessGroupGloo>(store_, rank_, world_size_, gloo);
    } catch (const std::exception& e) {
      const auto why = describe(e);
      if (is_timeout(why)) throw not_joined(where, seconds, why);
      throw Error("cannot connect the " + std::to_string(world_size_) +
                  " workers to each other through Gloo (GLOO_SOCKET_IFNAME names the network "
                  "interface to use): " +
                  why);
    }
  }

  int rank() const override { return rank_; }
  int world_size() const override { return world_size_; }

  void sum(std::vector<torch::Tensor>& tensors) override {
    guarded([&] { group_->allreduce(tensors)->wait(); });
  }

  void broadcast(torch::Tensor& tensor) override {
    std::vector<torch::Tensor> tensors = {tensor};
    guarded([&] { group_->broadcast(tensors)->wait(); });
  }

  std::string broadcast_text(const std::string& text) override {
    return broadcast_text(text, /*patient=*/false);
  }

  std::string waiting_for_rank0(const std::string& text) override {
    return broadcast_text(text, /*patient=*/true);
  }

  std::vector<std::string> gather_text(const std::string& text) override {
    const std::string key = "gather/" + std::to_string(next_key_++) + "/";
    std::vector<std::string> out;
    guarded([&] {
      if (rank_ != 0) {
        store_->set(key + std::to_string(rank_), std::vector<uint8_t>(text.begin(), text.end()));
        return;
      }
      out.push_back(text);
      for (int r = 1; r < world_size_; ++r) {
        const auto bytes = store_->get(key + std::to_string(r));
        out.emplace_back(bytes.begin(), bytes.end());
        store_->deleteKey(key + std::to_string(r));
      }
    });
    return out;
  }

 private:
  // A collective fails when another worker stopped (its connections close) or did not answer
  // within the timeout.
  template <class F>
  void guarded(F&& operation) {
    try {
      operation();
    } catch (const std::exception& e) {
      throw WorkerStopped(
          "lost contact with the other workers (one of them stopped, or did not "
          "answer within train.distributed_timeout): " +
          describe(e));
    }
  }

  // Patient: a time-out while waiting for rank 0's key is not an error; its store closing is.
  std::string broadcast_text(const std::string& text, bool patient) {
    const std::string key = "text/" + std::to_string(next_key_++);
    std::string out = text;
    guarded([&] {
      if (rank_ == 0) {
        store_->set(key, std::vector<uint8_t>(text.begin(), text.end()));
        return;
      }
      while (patient) {
        try {
          store_->wait({key});
          break;
        } catch (const std::exception& e) {
          if (!is_timeout(describe(e))) throw;
        }
      }
      const auto bytes = store_->get(key);
      out.assign(bytes.begin(), bytes.end());
    });
    return out;
  }

  int rank_, world_size_;
  int64_t next_key_ = 0;
  c10::intrusive_ptr<c10d::Store> store_;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> group_;
};

}  // namespace

std::unique_ptr<Collective> connect_workers(const WorkerAddress& address,
                                            std::chrono::milliseconds timeout) {
  if (address.world_size == 1) return single_process();
  return std::make_unique<C10dWorkers>(address, timeout);
}

bool has_c10d(std::string* /*why_not*/) { return true; }

#else

std::unique_ptr<Collective> connect_workers(const WorkerAddress& address,
                                            std::chrono::milliseconds /*timeout*/) {
  if (address.world_size == 1) return single_process();
  std::string why;
  has_c10d(&why);
  throw Error(why);
}

bool has_c10d(std::string* why_not) {
  if (why_not) {
    *why_not =
        "this nmt was built without c10d (Gloo's headers, from libgloo-dev, were missing at "
        "configure time), so it trains in one process only: install libgloo-dev (or run "
        "scripts/setup.sh) and rebuild to train with several";
  }
  return false;
}

#endif

}  // namespace nmt
