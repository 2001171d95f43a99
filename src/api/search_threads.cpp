#include "api/search_threads.h"

#include <dlfcn.h>
#include <fmt/format.h>
#include <sched.h>
#include <torch/torch.h>

#include <algorithm>
#include <thread>

#include "decode/translator.h"

namespace nmt {

int usable_cores() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
  return std::max(1u, std::thread::hardware_concurrency());
}

int automatic_search_workers(int cores, int threads) {
  const int usable = threads > 0 ? std::min(cores, threads) : cores;
  return std::clamp(usable, 1, kMaxAutomaticWorkers);
}

void set_cpu_threads(int threads) {
  torch::set_num_threads(threads);
  using SetThreadsFn = void (*)(int);
  auto set_openblas_threads =
      reinterpret_cast<SetThreadsFn>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
  if (set_openblas_threads != nullptr) set_openblas_threads(threads);
}

void share_cpu_threads(int threads, int workers) {
  if (threads == 0 && workers == 1) return;
  const int total = threads > 0 ? threads : usable_cores();
  set_cpu_threads(std::max(1, total / workers));
}

SearchThreads share_search_threads(const Translator& translator, int threads, int requested) {
  const bool automatic = requested == 0;
  const int cores = usable_cores();
  const int wanted = automatic ? automatic_search_workers(cores, threads) : requested;
  SearchThreads chosen;
  chosen.workers = static_cast<int>(translator.usable_workers(wanted));
  const std::string limit = chosen.workers < wanted ? translator.worker_limit() : "";
  share_cpu_threads(threads, chosen.workers);
  if (automatic) {
    const int used = threads > 0 ? std::min(threads, cores) : cores;
    const int each = std::max(1, (threads > 0 ? threads : cores) / chosen.workers);
    chosen.reason =
        fmt::format("{} worker{} x {} thread{} (workers by cores: {} core{}{})", chosen.workers,
                    chosen.workers == 1 ? "" : "s", each, each == 1 ? "" : "s", used,
                    used == 1 ? "" : "s", limit.empty() ? "" : "; " + limit);
  } else if (!limit.empty()) {
    chosen.reduced = true;
    chosen.reason = "searching on 1 thread, as " + limit;
  }
  return chosen;
}

}  // namespace nmt
