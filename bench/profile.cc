#include "profile.h"

#include <fmt/format.h>

#include <algorithm>
#include <csignal>
#include <map>
#include <sstream>

namespace sfpe::bench {
namespace {

Error profile_error(const std::string& message) { return Error::fatal("PROFILE", message); }

// Where a sample's time goes: the shared library, or for the sink's own binary (which has
// nlohmann, spdlog and std templates compiled in) the symbol's top namespace, e.g. "sfpe::map".
std::string component(const std::string& dso, const std::string& symbol) {
  if (dso != "sfpe-sink") return dso;
  if (symbol.starts_with("sfpe::")) {
    auto end = symbol.find("::", 6);
    auto paren = symbol.find('(');
    if (end != std::string::npos && end < paren) return "sfpe-sink: " + symbol.substr(0, end);
  }
  for (const char* known : {"nlohmann", "std::", "spdlog", "fmt::", "grpc", "google::protobuf"}) {
    if (symbol.find(known) != std::string::npos) return fmt::format("sfpe-sink: {}", known);
  }
  return "sfpe-sink: other";
}

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

// "nlohmann::json_abi_v3_11_2::basic_json<std::map, ...>::dump(int) const" ->
// "nlohmann::basic_json<>::dump(int) const": template arguments and ABI tags only make the
// names long.
std::string readable(const std::string& symbol) {
  std::string out;
  int depth = 0;
  for (size_t i = 0; i < symbol.size(); ++i) {
    const char c = symbol[i];
    if (symbol.compare(i, 8, "operator") == 0) {  // operator<, operator<<, operator->...
      const size_t end = symbol.find('(', i);
      if (depth == 0) out += symbol.substr(i, end - i);
      i = (end == std::string::npos ? symbol.size() : end) - 1;
    } else if (c == '<') {
      if (depth++ == 0) out += "<>";
    } else if (c == '>') {
      depth = std::max(0, depth - 1);
    } else if (depth == 0) {
      out += c;
    }
  }
  for (const std::string tag : {"json_abi_v3_11_2::", "__cxx11::", "[abi:cxx11]"}) {
    for (auto at = out.find(tag); at != std::string::npos; at = out.find(tag)) {
      out.erase(at, tag.size());
    }
  }
  return out;
}

std::vector<ProfileEntry> heaviest(const std::map<std::string, double>& totals) {
  std::vector<ProfileEntry> entries;
  for (const auto& [name, percent] : totals) entries.push_back({percent, name});
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.percent > b.percent; });
  return entries;
}

}  // namespace

bool perf_available() {
  auto probe = testing::ChildProcess::spawn({"perf", "--version"});
  return probe.ok() && (*probe)->wait(std::chrono::seconds(10)) == 0;
}

Result<std::unique_ptr<Profiler>> Profiler::attach(pid_t pid,
                                                   const std::filesystem::path& data_path) {
  std::unique_ptr<Profiler> profiler(new Profiler());
  profiler->data_path_ = data_path;
  // Samples the whole machine and keeps the sink's share at report time: `perf record -p` on a
  // running process recorded no samples at all on the virtual machine this was written on.
  profiler->pid_ = pid;
  auto perf = testing::ChildProcess::spawn(
      {"perf", "record", "--quiet", "-a", "-F", "999", "-o", data_path.string()});
  if (!perf.ok()) return perf.error();
  profiler->perf_ = std::move(perf.value());
  return profiler;
}

Result<ProfileSummary> Profiler::stop_and_summarise(size_t top_symbols) {
  perf_->send_signal(SIGINT);
  // perf writes its data and then ends itself with the SIGINT it caught.
  auto recorded = perf_->wait(std::chrono::seconds(60));
  if (!recorded || (*recorded != 0 && *recorded != 128 + SIGINT)) {
    return profile_error(fmt::format("perf record failed ({}): {}",
                                     recorded ? std::to_string(*recorded) : "still running",
                                     perf_->stderr_text()));
  }
  // One line a (dso, symbol): "  12.34%  sfpe-sink  [.] sfpe::map::EventMapper::map(...)".
  auto report = testing::ChildProcess::spawn(
      {"perf", "report", "-i", data_path_.string(), "--stdio", "--pid", std::to_string(pid_),
       "--percentage", "relative", "--no-children", "--sort", "dso,sym", "--percent-limit", "0.01",
       "--field-separator", "\t"});
  if (!report.ok()) return report.error();
  if ((*report)->wait(std::chrono::minutes(5)) != 0) {
    return profile_error("perf report failed: " + (*report)->stderr_text());
  }
  std::map<std::string, double> symbols;
  std::map<std::string, double> components;
  std::istringstream lines((*report)->stdout_text());
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string percent, dso, symbol;
    if (!std::getline(fields, percent, '\t') || !std::getline(fields, dso, '\t') ||
        !std::getline(fields, symbol)) {
      continue;
    }
    dso = trimmed(dso);
    symbol = trimmed(symbol);
    if (symbol.starts_with("[.] ") || symbol.starts_with("[k] ")) symbol = symbol.substr(4);
    const double share = std::stod(percent);  // " 12.34%": stod skips the blank, stops at '%'
    symbols[fmt::format("{} ({})", readable(symbol), dso)] += share;
    components[component(dso, symbol)] += share;
  }
  ProfileSummary summary{heaviest(symbols), heaviest(components)};
  if (summary.symbols.size() > top_symbols) summary.symbols.resize(top_symbols);
  return summary;
}

}  // namespace sfpe::bench
