// POR diagnostics of a Program (program_system.hpp, system.hpp's ObjectNames): the objects are
// the bytes of the globals block, named by the program's global symbols in kernel words
// ("M.xa_lock", "C0._refcount", "M.i_pages[3]"), and grouped over pool elements and array slots
// ("mem_map[*]._refcount", "M.i_pages[*]"). Used by checker/por_stats.cpp only: never on the
// search's own path.
#include <algorithm>
#include <bit>
#include <map>
#include <string>

#include "checker/system/program_system.hpp"

namespace pcmc::checker {

using NF = model::NarrowFootprints;

namespace {

// `name` with every array index replaced by `[*]`: "M.i_pages[3]" -> "M.i_pages[*]".
std::string star_indices(const std::string& name) {
  std::string out;
  for (std::size_t i = 0; i < name.size(); ++i) {
    out += name[i];
    if (name[i] != '[') continue;
    const std::size_t close = name.find(']', i);
    if (close == std::string::npos) continue;
    out += '*';
    i = close - 1;
  }
  return out;
}

// The field of symbol `s` over its pool, when it lies in a pool of more than one element:
// "C3._refcount" -> "mem_map[*]._refcount"; else the symbol's name. Indices become `[*]`.
std::string field_name(const model::Program& p, const model::Symbol& s) {
  for (const model::Pool& pool : p.pools) {
    if (pool.count <= 1 || s.offset < pool.base ||
        s.offset >= pool.base + pool.count * pool.elem_size)
      continue;
    const std::uint32_t e = (s.offset - pool.base) / pool.elem_size;
    const std::string elem = e < pool.elem_names.size() ? pool.elem_names[e] : "";
    if (!elem.empty() && s.name.compare(0, elem.size(), elem) == 0)
      return star_indices(pool.name + "[*]" + s.name.substr(elem.size()));
  }
  return star_indices(s.name);
}

// A lock word: a holder (thread_t: xa_lock, lock_owner for PG_locked, invalidate_lock_owner) or
// a field named after a lock (invalidate_lock_readers). A naming heuristic, for diagnostics.
bool lock_word(const model::Symbol& s) {
  const std::string last = s.name.substr(s.name.rfind('.') == std::string::npos
                                             ? 0
                                             : s.name.rfind('.') + 1);
  return s.scalar.kind == model::ScalarKind::Thread || last.find("lock") != std::string::npos;
}

}  // namespace

void ProgramSystem::interference(const std::uint8_t* state, unsigned thread, const Footprint& fp,
                                 std::vector<std::uint64_t>& objects,
                                 std::vector<std::uint64_t>& widened) const {
  objects.assign(fp.reads.size(), 0);
  widened.assign(fp.reads.size(), 0);
  if (exec_.finished(state, thread)) return;
  const std::uint32_t at = exec_.pc(state, thread);
  if (at >= futures_.code_size(thread)) return;
  // The narrowed future (program_futures.cpp, may_interfere): its static part, plus the keys
  // evaluated against the state. A key naming one element is as precise as a named place.
  const std::size_t words = std::min(futures_.words(), fp.reads.size());
  std::vector<std::uint64_t> r(narrow_.reads(NF::kFuture, thread, at),
                               narrow_.reads(NF::kFuture, thread, at) + futures_.words());
  std::vector<std::uint64_t> w(narrow_.writes(NF::kFuture, thread, at),
                               narrow_.writes(NF::kFuture, thread, at) + futures_.words());
  std::vector<std::uint64_t> pr(futures_.precise_reads(thread, at),
                                futures_.precise_reads(thread, at) + futures_.words());
  std::vector<std::uint64_t> pw(futures_.precise_writes(thread, at),
                                futures_.precise_writes(thread, at) + futures_.words());
  const auto& keys = narrow_.keys(thread);
  std::vector<std::uint64_t> one(futures_.words(), 0);
  for (const std::uint32_t id : narrow_.keys_at(NF::kFuture, thread, at)) {
    const bool write = keys[id].kind == NF::Kind::Write;
    std::fill(one.begin(), one.end(), 0);
    mark_key(state, thread, keys[id], one.data());
    std::size_t bytes = 0;
    for (const std::uint64_t x : one) bytes += static_cast<std::size_t>(std::popcount(x));
    for (std::size_t i = 0; i < one.size(); ++i) {
      (write ? w : r)[i] |= one[i];
      if (bytes <= keys[id].width) (write ? pw : pr)[i] |= one[i];
    }
  }
  for (std::size_t i = 0; i < words; ++i) {
    // As may_interfere: a write meets a future access, a read meets a future write.
    objects[i] = (fp.writes[i] & (r[i] | w[i])) | (fp.reads[i] & w[i]);
    const std::uint64_t precise = (fp.writes[i] & (pr[i] | pw[i])) | (fp.reads[i] & pw[i]);
    widened[i] = objects[i] & ~precise;
  }
}

ObjectNames ProgramSystem::object_names() const {
  const model::Program& p = exec_.program();
  ObjectNames out;
  out.of.assign(p.globals_size, -1);
  std::map<std::string, std::uint32_t> field_ids;
  for (const model::Symbol& s : p.symbols) {
    if (s.thread != -1 || s.is_pc || s.offset >= p.globals_size) continue;
    const auto id = static_cast<std::int32_t>(out.names.size());
    out.names.push_back(s.name);
    out.lock.push_back(lock_word(s));
    out.slot.push_back(s.name.find('[') != std::string::npos);
    const std::string f = field_name(p, s);
    const auto [it, added] =
        field_ids.emplace(f, static_cast<std::uint32_t>(out.fields.size()));
    if (added) out.fields.push_back(f);
    out.field_of.push_back(it->second);
    for (std::uint32_t b = s.offset; b < s.offset + s.scalar.width && b < p.globals_size; ++b)
      out.of[b] = id;
  }
  return out;
}

std::vector<ProgramSystem::Holder> ProgramSystem::holders_of(const model::Program& p) {
  std::vector<Holder> out;
  for (const model::Symbol& s : p.symbols)
    if (s.thread == -1 && !s.is_pc && s.offset < p.globals_size &&
        s.scalar.kind == model::ScalarKind::Thread && lock_word(s))
      out.push_back({s.offset, s.scalar.width});
  return out;
}

// A holder word holds `current` of its holder: thread id + 1 (exec.cpp, EOp::Current).
bool ProgramSystem::holds_lock(const std::uint8_t* state, unsigned thread) const {
  for (const Holder& h : holders_)
    if (model::Executor::load(state, h.offset, h.width) == static_cast<std::int64_t>(thread) + 1)
      return true;
  return false;
}

}  // namespace pcmc::checker
