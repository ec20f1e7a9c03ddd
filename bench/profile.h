// A CPU profile of a running process with Linux perf (`perf record -a`, then `perf report
// --pid`), summarised as the
// symbols and the components (shared library, or top namespace within the sink's own binary)
// where its samples fall. Only used when `perf` is installed.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "lib/process.h"

namespace sfpe::bench {

struct ProfileEntry {
  double percent = 0;
  std::string name;  // "symbol (dso)", or a component
};

struct ProfileSummary {
  std::vector<ProfileEntry> symbols;     // the hottest first
  std::vector<ProfileEntry> components;  // the heaviest first
};

// True when a `perf` program runs.
bool perf_available();

class Profiler {
 public:
  // Starts sampling (999 Hz, user and kernel) into `data_path`, to be summarised for `pid`.
  static Result<std::unique_ptr<Profiler>> attach(pid_t pid,
                                                  const std::filesystem::path& data_path);
  // Stops sampling (SIGINT, as perf expects) and summarises the samples.
  Result<ProfileSummary> stop_and_summarise(size_t top_symbols);

 private:
  Profiler() = default;
  std::unique_ptr<testing::ChildProcess> perf_;
  std::filesystem::path data_path_;
  pid_t pid_ = 0;
};

}  // namespace sfpe::bench
