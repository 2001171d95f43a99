// The processes that train one model together (data-parallel workers) and what they say to
// each other. One process is a group of one, where every operation is a no-op; c10d (Gloo on
// the CPU) joins several, on one machine or many (connect_workers()).
#pragma once

#include <torch/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "common/errors.h"

namespace nmt {

/// Raised on every rank but the one that failed (or died): another worker stopped, so this one
/// cannot go on. Whoever launched the workers reports the cause.
class WorkerStopped : public Error {
 public:
  using Error::Error;
};

class Collective {
 public:
  virtual ~Collective() = default;
  virtual int rank() const = 0;
  virtual int world_size() const = 0;
  /// Replaces each tensor (fp32 or fp64, the same shapes on every rank) with its sum over ranks.
  virtual void sum(std::vector<torch::Tensor>& tensors) = 0;
  /// Replaces `tensor` with rank 0's.
  virtual void broadcast(torch::Tensor& tensor) = 0;
  /// Rank 0's `text` on every rank.
  virtual std::string broadcast_text(const std::string& text) = 0;
  /// As broadcast_text(), for rank 0's long work (e.g. training subword models): the others
  /// wait for as long as it takes, unless rank 0 is gone.
  virtual std::string waiting_for_rank0(const std::string& text) = 0;
  /// On rank 0: every rank's `text`, in rank order; on the others: empty.
  virtual std::vector<std::string> gather_text(const std::string& text) = 0;
};

/// The group of one: training in a single process.
std::unique_ptr<Collective> single_process();

/// Where a worker finds the others: the torchrun convention (MASTER_ADDR, MASTER_PORT,
/// WORLD_SIZE, RANK, LOCAL_RANK). Rank 0 listens on master_port; the others connect to it.
struct WorkerAddress {
  std::string master_addr = "127.0.0.1";
  int master_port = 29500;
  int world_size = 1, rank = 0;
  int local_rank = 0, local_world_size = 1;
  // Where this worker's Gloo connections live: a network interface (GLOO_SOCKET_IFNAME), else
  // this machine's address towards the master, else Gloo's default (the host name's address).
  std::string gloo_interface, gloo_address;
  // torchrun's agent already serves the store at master_addr:master_port
  // (TORCHELASTIC_USE_AGENT_STORE=True): rank 0 joins it as a client instead of listening.
  bool agent_store = false;
};

/// Joins the workers at `address` through c10d (a TCPStore at the master, then Gloo). Every
/// wait (for the others to join, for a collective to finish) gives up after `timeout` with
/// an Error that says what was waited for, except waiting_for_rank0() ones. Throws Error if
/// this build has no c10d.
std::unique_ptr<Collective> connect_workers(const WorkerAddress& address,
                                            std::chrono::milliseconds timeout);

/// Whether this build can train with several processes, and if not, why.
bool has_c10d(std::string* why_not);

/// Each value summed over ranks (fp64): counts, losses and flags the workers agree on.
std::vector<double> sum_values(Collective& workers, const std::vector<double>& values);

/// The gradients of a model's parameters as views into a few fixed flat buckets, so that they
/// are summed over the workers without copies, one collective per bucket (the bucket layout
/// is fixed, so the sums do not depend on it).
class GradientBuckets {
 public:
  explicit GradientBuckets(std::vector<torch::Tensor> parameters);
  /// Zeroes every gradient (instead of the optimiser's zero_grad(), which would detach them).
  void zero();
  /// Replaces every gradient with its sum over the workers.
  void sum(Collective& workers);

 private:
  void attach();
  std::vector<torch::Tensor> parameters_;
  std::vector<torch::Tensor> buckets_;  // flat
  std::vector<torch::Tensor> views_;    // per parameter, into its bucket
};

}  // namespace nmt
