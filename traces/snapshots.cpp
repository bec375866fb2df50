#include "traces/snapshots.hpp"

#include <map>
#include <stdexcept>

#include "traces/state_labels.hpp"

namespace pcmc::traces {

namespace {

// Keeps the successor with a given index.
class Take final : public model::Sink {
 public:
  Take(std::uint16_t want, std::vector<std::uint8_t>& into) : want_(want), into_(into) {}
  void on_successor(const model::Successor& s) override {
    if (s.index != want_) return;
    found = true;
    std::copy(s.state, s.state + into_.size(), into_.begin());
  }
  bool found = false;

 private:
  std::uint16_t want_;
  std::vector<std::uint8_t>& into_;
};

}  // namespace

Snapshot snapshot(const TraceContext& ctx, const std::uint8_t* state) {
  const model::Program& p = ctx.program;
  Snapshot s;
  const auto held = held_by_thread(p, state);
  for (unsigned t = 0; t < p.threads.size(); ++t)
    s.threads.push_back({p.threads[t].name, thread_position(ctx, state, t),
                         live_locals(ctx, state, t), held[t]});

  // The struct type of each pool element, by the name it prints as.
  std::map<std::string, std::string> kinds;
  for (const model::Pool& pool : p.pools)
    for (std::size_t i = 0; i < pool.count; ++i) {
      const bool named = i < pool.elem_names.size() && !pool.elem_names[i].empty();
      kinds[named ? pool.elem_names[i] : pool.name + "[" + std::to_string(i) + "]"] =
          "struct " + pool.struct_name;
    }
  std::map<std::string, std::size_t> index;  // group name -> position in s.groups
  for (const auto& [name, value] : shared_values(p, state)) {
    const std::size_t dot = name.find('.');
    const std::string group = dot == std::string::npos ? "" : name.substr(0, dot);
    const std::string field = dot == std::string::npos ? name : name.substr(dot + 1);
    auto [it, added] = index.emplace(group, s.groups.size());
    if (added) {
      auto k = kinds.find(group);
      s.groups.push_back({group, k == kinds.end() ? "" : k->second, {}});
    }
    s.groups[it->second].fields.emplace_back(field, value);
  }
  return s;
}

std::vector<Snapshot> trace_snapshots(const TraceContext& ctx, const Trace& trace) {
  const model::Program& p = ctx.program;
  std::vector<std::uint8_t> cur(p.state_size), next(p.state_size);
  std::vector<model::Event> init_events;
  ctx.exec.initial_state(cur.data(), init_events);
  model::Scratch scratch;
  std::vector<Snapshot> out{snapshot(ctx, cur.data())};
  for (const auto& [thread, index] : trace.choice_path) {
    Take take(index, next);
    ctx.exec.step(cur.data(), thread, scratch, take);
    if (!take.found)
      throw std::logic_error("trace does not replay at step " + std::to_string(out.size()));
    cur.swap(next);
    out.push_back(snapshot(ctx, cur.data()));
  }
  return out;
}

nlohmann::json to_json(const Snapshot& s) {
  using nlohmann::json;
  json threads = json::array(), groups = json::array();
  for (const auto& t : s.threads)
    threads.push_back({{"name", t.name}, {"at", t.at}, {"locals", t.locals}, {"holds", t.holds}});
  for (const auto& g : s.groups)
    groups.push_back({{"name", g.name}, {"kind", g.kind}, {"fields", g.fields}});
  return {{"threads", threads}, {"groups", groups}};
}

}  // namespace pcmc::traces
