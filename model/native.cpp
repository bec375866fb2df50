// The native engine's loader (model/native.hpp): cache, compiler, dlopen, ABI checks, and the
// host side of the ABI (model/native_abi.h) that turns callbacks into Scratch and Sink calls.
//
// Concurrency: several processes (ctest -j) and threads may build the same module at once.
// Each writes its own temporary files (pid and a per-process counter in the name) and renames
// the finished library into place; rename is atomic, so a reader sees no library or a whole
// one, and two builders simply both succeed.
#include "model/native.hpp"

#include <dlfcn.h>
#include <fcntl.h>
#include <spawn.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "model/codegen.hpp"
#include "model/native_abi.h"
#include "native_abi_text.hpp"

extern char** environ;

namespace pcmc::model {

namespace fs = std::filesystem;

struct NativeModuleImpl {
  void* handle = nullptr;
  pcmc_native_step_fn step = nullptr;
  pcmc_native_eval_cond_fn eval_cond = nullptr;
  double compile_seconds = 0;
  bool cached = false;
  std::string path;
  ExecOptions options;  // what the module was generated for (Executor::set_native checks it)
};

std::string native_cache_dir() {
  if (const char* c = std::getenv("PCMC_CACHE"); c != nullptr && *c != '\0') return c;
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x != nullptr && *x != '\0')
    return std::string(x) + "/pcmc";
  if (const char* h = std::getenv("HOME"); h != nullptr && *h != '\0')
    return std::string(h) + "/.cache/pcmc";
  return "/tmp/pcmc-cache";
}

std::vector<std::string> native_compiler() {
  std::string cmd;
  if (const char* c = std::getenv("PCMC_CXX"); c != nullptr && *c != '\0')
    cmd = c;
  else if (*native_default_cxx != '\0')
    cmd = native_default_cxx;
  else
    cmd = "c++";
  std::vector<std::string> words;
  std::istringstream in(cmd);
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

std::vector<std::string> native_default_flags() {
  // -O1: about half the compile time of -O2 for the same speed on the scenarios measured
  // (docs/native-engine.md, "Compiler flags"). -fno-strict-aliasing is not needed (memcpy).
  return {"-std=c++17", "-O1", "-fPIC", "-shared"};
}

namespace {

std::string fnv_hex(const std::string& text) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char ch : text) {
    h ^= ch;
    h *= 1099511628211ull;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

constexpr int kNotStarted = -1;
constexpr int kCancelled = -2;

// Runs argv with stdout and stderr into `log`; returns the exit status, kNotStarted, or
// kCancelled when `cancel` became true first. The compiler runs in a process group of its own,
// so a cancel kills the whole group: the driver and what it started (cc1plus, as, ld), which a
// kill of the driver alone would leave running. (Its own group also keeps a terminal's Ctrl-C
// to pcmc, which cancels it through `cancel`.)
int run_compiler(const std::vector<std::string>& argv, const std::string& log,
                 const std::atomic<bool>* cancel) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 2, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&fa, 2, 1);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);  // a new group, led by the driver: its pid
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, args[0], &fa, &attr, args.data(), environ);
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) return kNotStarted;
  int status = 0;
  if (cancel != nullptr) {
    for (;;) {
      const pid_t r = waitpid(pid, &status, WNOHANG);
      if (r == pid) break;
      if (r < 0 && errno != EINTR) return kNotStarted;
      if (cancel->load(std::memory_order_relaxed)) {
        kill(-pid, SIGKILL);  // the group
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
        return kCancelled;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  } else {
    while (waitpid(pid, &status, 0) < 0)
      if (errno != EINTR) return kNotStarted;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

template <typename Fn>
Fn symbol(void* handle, const char* name, const std::string& path) {
  void* p = dlsym(handle, name);
  if (p == nullptr) throw NativeError("native module " + path + " lacks " + name, "");
  return reinterpret_cast<Fn>(p);
}

// ---- the host side of the ABI --------------------------------------------------------------
struct HostCall {
  const Program* program;
  Scratch* scratch;
  Sink* sink;
};

std::uint8_t* host_buffer(void* ctx, std::uint32_t depth) {
  auto* h = static_cast<HostCall*>(ctx);
  auto& states = h->scratch->states;
  while (states.size() <= depth) states.emplace_back(h->program->state_size);
  return states[depth].data();
}

void host_push_event(void* ctx, const pcmc_native_event* n) {
  Event e;
  e.kind = static_cast<Event::Kind>(n->kind);
  e.error = static_cast<ModelErrorKind>(n->error);
  e.thread = n->thread;
  e.site = n->site;
  e.pc = n->pc;
  e.addr = n->addr;
  e.value = n->value;
  static_cast<HostCall*>(ctx)->scratch->events.push_back(e);
}

void host_truncate_events(void* ctx, std::uint32_t n) {
  static_cast<HostCall*>(ctx)->scratch->events.resize(n);
}

std::int32_t host_has_discipline(void* ctx, std::uint32_t site, std::int32_t addr) {
  for (const Event& e : static_cast<HostCall*>(ctx)->scratch->events)
    if (e.kind == Event::Discipline && e.site == site && e.addr == addr) return 1;
  return 0;
}

void host_emit(void* ctx, const std::uint8_t* state, std::uint16_t index, std::int32_t fatal,
               std::uint32_t first_pc, std::uint32_t main_pc) {
  auto* h = static_cast<HostCall*>(ctx);
  Successor s;
  s.state = state;
  s.index = index;
  s.events = std::span<const Event>(h->scratch->events.data(), h->scratch->events.size());
  s.fatal = fatal != 0;
  s.first_pc = first_pc;
  s.main_pc = main_pc;
  h->sink->on_successor(s);
}

const pcmc_native_host kHost = {host_buffer, host_push_event, host_truncate_events,
                                host_has_discipline, host_emit};

std::atomic<unsigned> g_build_counter{0};

}  // namespace

NativeModule::NativeModule() : impl_(std::make_unique<NativeModuleImpl>()) {}

NativeModule::~NativeModule() {
  if (impl_ && impl_->handle != nullptr) dlclose(impl_->handle);
}

double NativeModule::compile_seconds() const { return impl_->compile_seconds; }
bool NativeModule::cached() const { return impl_->cached; }
const std::string& NativeModule::library_path() const { return impl_->path; }
const ExecOptions& NativeModule::options() const { return impl_->options; }

std::shared_ptr<const NativeModule> NativeModule::build(const Program& program,
                                                        const ExecOptions& options,
                                                        const NativeBuildOptions& bo) {
  std::string why;
  if (!native_supports(options, &why))
    throw NativeError("the native engine does not implement " + why, "");
  const std::string source = generate_native_source(program, options);
  std::vector<std::string> argv = bo.compiler.empty() ? native_compiler() : std::vector<std::string>{bo.compiler};
  if (argv.empty()) throw NativeError("no C++ compiler for the native engine", "");
  std::vector<std::string> flags = native_default_flags();
  flags.insert(flags.end(), bo.extra_flags.begin(), bo.extra_flags.end());
  if (const char* env = std::getenv("PCMC_CXXFLAGS"); env != nullptr) {  // e.g. "-O2" to compare
    std::istringstream in(env);
    for (std::string f; in >> f;) flags.push_back(f);
  }
  std::string key = source;
  for (const auto& a : argv) key += "\n//cxx " + a;
  for (const auto& f : flags) key += "\n//flag " + f;
  const std::string dir = bo.cache_dir.empty() ? native_cache_dir() : bo.cache_dir;
  const std::string stem = dir + "/pcmc-" + fnv_hex(key);
  const std::string lib = stem + ".so";

  std::shared_ptr<NativeModule> m(new NativeModule());
  m->impl_->path = lib;
  m->impl_->options = options;
  std::error_code ec;
  if (fs::exists(lib, ec)) {
    m->impl_->cached = true;
  } else {
    fs::create_directories(dir, ec);
    if (ec) throw NativeError("cannot create the native cache " + dir + ": " + ec.message(), "");
    const std::string tag = "." + std::to_string(getpid()) + "-" + std::to_string(g_build_counter++);
    const std::string src = stem + tag + ".cpp", tmp_lib = stem + tag + ".so.tmp",
                      log = stem + tag + ".stderr";
    {
      std::ofstream out(src, std::ios::binary);
      out << source;
      if (!out) throw NativeError("cannot write " + src, "");
    }
    argv.insert(argv.end(), flags.begin(), flags.end());
    argv.insert(argv.end(), {"-o", tmp_lib, src});
    const auto t0 = std::chrono::steady_clock::now();
    const int rc = run_compiler(argv, log, bo.cancel);
    m->impl_->compile_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (rc == kCancelled) {
      for (const std::string& f : {tmp_lib, src, log}) fs::remove(f, ec);
      throw NativeCancelled();
    }
    if (rc != 0) {
      fs::remove(tmp_lib, ec);
      throw NativeError(rc == kNotStarted ? "cannot run the C++ compiler " + argv[0] + " (set PCMC_CXX)"
                               : "the C++ compiler " + argv[0] + " failed (exit " +
                                     std::to_string(rc) + ") on " + src + "; its output is in " + log,
                        log);
    }
    fs::rename(tmp_lib, lib, ec);
    if (ec) throw NativeError("cannot install " + lib + ": " + ec.message(), log);
    fs::rename(src, stem + ".cpp", ec);  // kept next to the library for reading
    fs::remove(log, ec);
  }
  void* h = dlopen(lib.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (h == nullptr) {
    const char* err = dlerror();
    throw NativeError("cannot load " + lib + ": " + (err ? err : "?"), "");
  }
  m->impl_->handle = h;
  const auto version = symbol<pcmc_native_abi_version_fn>(h, "pcmc_native_abi_version", lib)();
  const auto sizes = symbol<pcmc_native_abi_sizes_fn>(h, "pcmc_native_abi_sizes", lib)();
  const auto state = symbol<pcmc_native_state_size_fn>(h, "pcmc_native_state_size", lib)();
  if (version != PCMC_NATIVE_ABI_VERSION || sizes != PCMC_NATIVE_ABI_SIZES)
    throw NativeError("native module " + lib + " has ABI " + std::to_string(version) + "/" +
                          std::to_string(sizes) + ", pcmc expects " +
                          std::to_string(PCMC_NATIVE_ABI_VERSION) + "/" +
                          std::to_string(PCMC_NATIVE_ABI_SIZES) + " (remove the file)",
                      "");
  if (state != program.state_size)
    throw NativeError("native module " + lib + " is for another program (state size)", "");
  m->impl_->step = symbol<pcmc_native_step_fn>(h, "pcmc_native_step", lib);
  m->impl_->eval_cond = symbol<pcmc_native_eval_cond_fn>(h, "pcmc_native_eval_cond", lib);
  return m;
}

unsigned NativeModule::step(const Program& program, unsigned thread, std::uint16_t first_pc,
                            Scratch& scratch, Sink& sink) const {
  HostCall hc{&program, &scratch, &sink};
  pcmc_native_step_call call{};
  call.host = &kHost;
  call.ctx = &hc;
  call.state0 = scratch.states[0].data();
  if (scratch.access != nullptr) {
    call.access_reads = scratch.access->reads.data();
    call.access_writes = scratch.access->writes.data();
    call.access_assertion = reinterpret_cast<std::uint8_t*>(&scratch.access->assertion);
  }
  // Written in place, as the interpreter's Stepper does (Executor::step reset it).
  static_assert(sizeof(bool) == 1, "Scratch::block_crossed is written as one byte");
  call.block_crossed = reinterpret_cast<std::uint8_t*>(&scratch.block_crossed);
  call.sb_full = reinterpret_cast<std::uint8_t*>(&scratch.sb_full);
  call.thread = thread;
  call.first_pc = first_pc;
  std::uint32_t status = PCMC_NATIVE_OK;
  const unsigned n = impl_->step(&call, &status);
  if (status != PCMC_NATIVE_OK)
    throw std::logic_error(status == PCMC_NATIVE_BAD_PC
                               ? "pc out of range in " + program.threads.at(thread).name
                               : "native step: bad thread " + std::to_string(thread));
  return n;
}

int NativeModule::eval_cond(ExprId cond, const std::uint8_t* state, ModelErrorKind& kind,
                            std::int64_t& value, bool* block_crossed) const {
  std::uint8_t k = 0;
  const int r = impl_->eval_cond(cond, state, &k, &value,
                                 reinterpret_cast<std::uint8_t*>(block_crossed));
  kind = static_cast<ModelErrorKind>(k);
  return r;
}

}  // namespace pcmc::model
