#include "checker/cli/cmd_util.hpp"

#include <unistd.h>

#include <csignal>
#include <fstream>

#include "model/parser.hpp"

namespace pcmc::cli {

namespace {

std::atomic<bool> g_stop{false};

extern "C" void on_sigint_stop(int) { g_stop.store(true); }

}  // namespace

void parse_scenario(const Options& o, Scenario& s) {
  model::ParseOptions popts;
  popts.include_path = o.include_path;
  popts.include_path.push_back(PCMC_LIBRARY_DIR);
  s.ast = model::parse_file(s.sm, o.scenario, popts);
}

std::string variant_label(const std::vector<std::string>& defines) {
  std::string s;
  for (const auto& d : defines) s += (s.empty() ? "" : "+") + d;
  return s.empty() ? "B" : s;
}

checker::SearchOptions limit_options(const Options& o) {
  std::signal(SIGINT, on_sigint_stop);
  checker::SearchOptions s;
  s.order = checker::Order::BFS;
  s.max_states = o.max_states;
  s.max_depth = o.max_depth;
  s.max_seconds = o.max_time;
  if (o.max_memory_mib != 0) {
    s.max_memory = o.max_memory_mib << 20;
  } else {  // the same default as `pcmc check`: 3/4 of physical memory
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGE_SIZE);
    s.max_memory = pages > 0 && size > 0 ? static_cast<std::uint64_t>(pages) *
                                               static_cast<std::uint64_t>(size) / 4 * 3
                                         : 8ull << 30;
  }
  s.interrupt = &g_stop;
  return s;
}

bool write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  out.close();
  return static_cast<bool>(out);
}

}  // namespace pcmc::cli
