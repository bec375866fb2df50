#include "checker/cli/cmd_util.hpp"

#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "model/constant_sets.hpp"
#include "checker/cli/library_root.hpp"
#include "model/parser.hpp"

namespace pcmc::cli {

namespace {

std::atomic<bool> g_stop{false};
std::atomic<unsigned> g_signals{0};  // every SIGINT and SIGTERM (a second one ends more)
static_assert(std::atomic<bool>::is_always_lock_free && std::atomic<unsigned>::is_always_lock_free,
              "a signal handler may only touch lock-free atomics");

extern "C" void on_stop_signal(int) {
  g_signals.fetch_add(1);
  g_stop.store(true);
}

}  // namespace

void parse_scenario(const Options& o, Scenario& s) {
  model::ParseOptions popts;
  popts.include_path = o.include_path;
  popts.include_path.push_back(library_root());
  popts.kernel = o.kernel;
  popts.memory_model = o.memory_model;
  popts.sets = o.sets;
  s.ast = model::parse_file(s.sm, o.scenario, popts);
  model::apply_sets(s.ast, o.sets);  // throws model::SetError: main() reports it (exit 64)
  check_switches(s, o.defines, "-D");
}

std::string sets_label(const Options& o) {
  std::string s;
  for (const auto& [name, value] : o.sets) s += ", " + name + "=" + std::to_string(value);
  return s;
}

void check_switches(const Scenario& s, const std::vector<std::string>& defines,
                    const std::string& given) {
  for (const std::string& d : defines) {
    bool declared = false;
    std::string names;
    for (const auto& sw : s.ast.switches) {
      declared = declared || sw.name == d;
      names += (names.empty() ? "" : ", ") + sw.name;
    }
    if (!declared)
      throw UsageError("unknown switch '" + d + "' (" + given + "): " + s.sm.file(0).path +
                       " declares " + (names.empty() ? "no switch" : names));
  }
}

std::vector<std::string> included_files(const Scenario& s) {
  namespace fs = std::filesystem;
  const fs::path root = fs::path(library_root()).lexically_normal();
  std::vector<std::string> out;
  for (std::uint32_t i = 1; i < s.sm.size(); ++i) {
    const fs::path file = fs::path(s.sm.file(i).path).lexically_normal();
    const fs::path rel = file.lexically_relative(root);
    if (!rel.empty() && *rel.begin() != "..") {
      out.push_back(rel.string());
      continue;
    }
    std::string shown = file.string();
    // A shadow: the library has a file at a tail of this path (kernel/v5.15/truncate.pcm).
    std::vector<fs::path> parts(file.begin(), file.end());
    for (std::size_t k = parts.size(); k-- > 1;) {
      fs::path tail;
      for (std::size_t j = k; j < parts.size(); ++j) tail /= parts[j];
      std::error_code ec;
      if (parts.size() - k >= 2 && fs::is_regular_file(root / tail, ec)) {
        shown += " (shadows the library's " + tail.string() + ")";
        break;
      }
    }
    out.push_back(shown);
  }
  return out;
}

std::string variant_label(const std::vector<std::string>& defines) {
  std::string s;
  for (const auto& d : defines) s += (s.empty() ? "" : "+") + d;
  return s.empty() ? "B" : s;
}

std::uint64_t default_memory_limit() {
  long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || size <= 0) return 8ull << 30;
  return static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(size) / 4 * 3;
}

void install_interrupt(checker::SearchOptions& s) {
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
  s.interrupt = &g_stop;
  s.stop_signals = &g_signals;
}

model::MemoryModel memory_model_named(const std::string& name) {
  return name == "tso"   ? model::MemoryModel::Tso
         : name == "pso" ? model::MemoryModel::Pso
                         : model::MemoryModel::Sc;
}

model::MemoryModel memory_model_of(const Options& o) { return memory_model_named(o.memory_model); }

checker::SearchOptions limit_options(const Options& o) {
  checker::SearchOptions s;
  s.order = checker::Order::BFS;
  s.max_states = o.max_states;
  s.max_depth = o.max_depth;
  s.max_seconds = o.max_time;
  s.max_memory = o.max_memory_mib ? o.max_memory_mib << 20 : default_memory_limit();
  s.max_local_steps = o.max_local_steps;
  s.memory_model = memory_model_of(o);
  s.store_buffer = o.store_buffer;
  install_interrupt(s);
  s.engine = o.engine == "native"   ? checker::Engine::Native
             : o.engine == "interp" ? checker::Engine::Interp
                                    : checker::Engine::Auto;
  // The compile note goes where progress goes (stderr): a JSON line with --progress json.
  if (o.progress == "json")
    s.on_native = [](double seconds, bool cached) {
      std::fprintf(stderr, "{\"native_compile_seconds\":%.3f,\"native_cached\":%s}\n", seconds,
                   cached ? "true" : "false");
    };
  else if (o.progress != "off")
    s.on_native = [](double seconds, bool cached) {
      if (cached) std::fprintf(stderr, "native engine: module loaded from the cache\n");
      else std::fprintf(stderr, "native engine: model compiled to C++ in %.2f s\n", seconds);
    };
  // --engine auto: a failed background build is a note, not an error (the interpreter goes on).
  if (o.progress == "json")
    s.on_native_failed = [](const std::string& why) {
      std::fprintf(stderr, "{\"native_failed\":%s}\n", nlohmann::json(why).dump().c_str());
    };
  else if (o.progress != "off")
    s.on_native_failed = [](const std::string& why) {
      std::fprintf(stderr, "native engine: %s; the interpreter goes on\n", why.c_str());
    };
  return s;
}

bool write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  out.close();
  return static_cast<bool>(out);
}

}  // namespace pcmc::cli
