#include "checker/cli/por_stats_format.hpp"

#include <cstdio>
#include <string>

namespace pcmc::cli {

namespace {

nlohmann::json objects_json(const std::vector<checker::PorObjectCount>& v) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& o : v)
    a.push_back({{"name", o.name}, {"states", o.states}, {"widened", o.widened},
                 {"lock", o.lock}});
  return a;
}

std::string pct(std::uint64_t part, std::uint64_t whole) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%5.1f%%",
                whole != 0 ? 100.0 * static_cast<double>(part) / static_cast<double>(whole) : 0.0);
  return buf;
}

void print_objects(std::ostream& out, const char* title,
                   const std::vector<checker::PorObjectCount>& v, std::uint64_t conflicted) {
  if (v.empty()) return;
  out << "  " << title << " (share of the conflicted states; widened: reached through a pointer "
                          "or index in the other thread's future):\n";
  for (const auto& o : v)
    out << "    " << pct(o.states, conflicted) << "  " << o.name << (o.lock ? " (lock)" : "")
        << (o.widened != 0 ? "  widened in " + pct(o.widened, conflicted) : std::string()) << "\n";
}

}  // namespace

nlohmann::json por_stats_json(const checker::PorStats& s) {
  return {{"reduced", s.reduced},
          {"full", s.full},
          {"full_why",
           {{"trivial", s.trivial}, {"proviso", s.proviso}, {"c1_all", s.c1_all},
            {"c0_c2", s.c0_c2}, {"mixed", s.mixed}}},
          {"attempts",
           {{"total", s.attempts}, {"all_enabled", s.all_enabled},
            {"self_visible", s.self_visible}, {"needs_blocked", s.needs_blocked},
            {"needs_visible", s.needs_visible}}},
          {"conflicted", s.conflicted},
          {"would_reduce",
           {{"precise", s.if_precise}, {"slots", s.if_slots}, {"elements", s.if_elements},
            {"no_locks", s.if_no_locks}, {"lock_held", s.if_lock_held},
            {"next_step", s.if_next_step}}},
          {"objects", objects_json(s.objects)},
          {"fields", objects_json(s.fields)}};
}

void print_por_stats(std::ostream& out, const checker::PorStats& s) {
  const std::uint64_t expanded = s.reduced + s.full;
  out << "por stats: " << expanded << " states expanded: " << s.reduced << " with an ample set ("
      << pct(s.reduced, expanded) << "), " << s.full << " fully\n";
  out << "  fully, why: " << s.trivial << " at most one thread enabled, " << s.proviso
      << " cycle proviso (C3), " << s.c1_all << " every closure was all enabled threads (C1), "
      << s.c0_c2 << " every closure needed a blocked or visible thread (C0/C2), " << s.mixed
      << " mixed\n";
  out << "  enabled threads of the " << s.conflicted << " conflicted states: " << s.all_enabled
      << " closure = all enabled, " << s.needs_blocked << " needs a blocked thread, "
      << s.needs_visible << " needs a visible one, " << s.self_visible << " visible itself\n";
  out << "  conflicted states where some thread would be ample, at most (ceilings), with: no "
         "widening "
      << pct(s.if_precise, s.conflicted) << " (per-slot indices " << pct(s.if_slots, s.conflicted)
      << ", per-element pointers " << pct(s.if_elements, s.conflicted)
      << "), lock-aware independence " << pct(s.if_lock_held, s.conflicted)
      << " (no lock-word conflict " << pct(s.if_no_locks, s.conflicted)
      << "), next-step dependence only " << pct(s.if_next_step, s.conflicted) << "\n";
  print_objects(out, "C1 conflicts by object", s.objects, s.conflicted);
  print_objects(out, "by field", s.fields, s.conflicted);
}

}  // namespace pcmc::cli
