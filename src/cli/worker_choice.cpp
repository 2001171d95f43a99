#include "cli/worker_choice.h"

#include <sched.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>
#include <vector>

namespace nmt::cli {
namespace {

std::string cores_text(double n) {
  std::ostringstream out;
  out.precision(n == std::floor(n) ? 0 : 1);
  out << std::fixed << n << (n == 1 ? " core" : " cores");
  return out.str();
}

struct CpuTimes {
  double idle = 0, total = 0;
};

// The lines "cpuN user nice system idle iowait irq softirq steal ..." of /proc/stat, by N.
std::map<int, CpuTimes> cpu_times() {
  std::ifstream in("/proc/stat");
  std::map<int, CpuTimes> times;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("cpu", 0) != 0 || line.size() < 4 ||
        !std::isdigit(static_cast<unsigned char>(line[3])))
      continue;
    std::istringstream fields(line.substr(3));
    int cpu = 0;
    fields >> cpu;
    std::vector<double> values;
    double v = 0;
    for (int i = 0; i < 8 && fields >> v; ++i) values.push_back(v);
    if (values.size() < 5) continue;
    CpuTimes& t = times[cpu];
    for (double f : values) t.total += f;
    t.idle = values[3] + values[4];
  }
  return times;
}

}  // namespace

WorkerChoice choose_train_workers(const std::string& setting, const MachineState& machine) {
  if (setting != "auto") {
    const int n = std::stoi(setting);  // the schema checked it
    return {n, false, 0,
            std::to_string(n) + (n == 1 ? " process" : " workers") + " (train.workers: " + setting +
                ")"};
  }
  if (machine.gpu) {
    return {1, true, 0, "1 process (train.workers: auto): device cuda; --nproc N for N GPUs"};
  }
  const int cores = std::max(1, machine.cores);
  int usable =
      machine.threads > 0 ? std::min<int>(cores, static_cast<int>(machine.threads)) : cores;
  std::string why = cores_text(cores) + (machine.threads > 0 && machine.threads < cores
                                             ? ", train.threads " + std::to_string(machine.threads)
                                             : "");
  bool loaded = false;
  if (machine.idle_cores >= 0) {
    const double busy = std::max(0.0, cores - machine.idle_cores);
    const int free_cores = std::max(1, static_cast<int>(std::lround(machine.idle_cores)));
    if (free_cores < usable) {
      usable = free_cores;
      loaded = true;
      why += ", other processes keep " + cores_text(std::round(busy * 10) / 10) + " busy";
    }
  }
  if (usable < 2) {
    return {1, true, 0,
            "1 process (train.workers: auto): " + why +
                (loaded ? "; workers would wait for each other (measured 0.70x)" : "")};
  }
  const int workers = std::clamp(usable / 2, 2, kMaxAutomaticWorkers);
  const int threads = std::max(1, usable / workers);
  return {workers, true, threads,
          std::to_string(workers) + " workers x " + std::to_string(threads) +
              (threads == 1 ? " thread" : " threads") + " (train.workers: auto): " + why +
              "; measured 1.4x one process on 2 cores"};
}

double idle_cores_over(double seconds) {
  cpu_set_t mine;
  if (sched_getaffinity(0, sizeof mine, &mine) != 0) return -1;
  const auto before = cpu_times();
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  const auto after = cpu_times();
  double idle = 0;
  int counted = 0;
  for (const auto& [cpu, end] : after) {
    const auto start = before.find(cpu);
    if (!CPU_ISSET(cpu, &mine) || start == before.end()) continue;
    const double total = end.total - start->second.total;
    if (total > 0) idle += (end.idle - start->second.idle) / total;
    ++counted;
  }
  return counted > 0 ? idle : -1;
}

}  // namespace nmt::cli
