// POR diagnostics (SearchOptions::por_stats, `pcmc check --por-stats`; docs/por-diagnostics.md, "Why
// POR reduces little on the kernel scenarios"): why each state the reduced search expanded was
// or was not expanded with an ample set, and which objects made the threads dependent (C1).
// Counting never changes the search: the same states, transitions and verdicts with it or not.
//
// Terms: a state is "conflicted" when it was expanded fully with at least two threads enabled
// and no candidate passed C0–C2 (por.hpp). Its conflicts are, for each enabled thread t whose
// step is invisible and each other unfinished thread u, the objects where t's step (its
// dynamic footprint) meets u's static future (TransitionSystem::interference).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace pcmc::checker {

struct PorObjectCount {
  std::string name;           // "M.xa_lock", "C0._refcount"; or a field: "mem_map[*]._refcount"
  std::uint64_t states = 0;   // conflicted states where it was a conflict
  std::uint64_t widened = 0;  // ... and in some of them u's future reached it only through a
                              // widening (a pointer counted for every pool element, an index
                              // for every slot)
  bool lock = false;          // a lock word (a holder or a lock count)
};

struct PorStats {
  std::uint64_t reduced = 0;   // states expanded with an ample set (= Stats::ample_states)
  std::uint64_t full = 0;      // states expanded with every thread; reduced + full = expanded
  // Why `full` (the five sum to it):
  std::uint64_t trivial = 0;   // at most one thread enabled: nothing to choose from
  std::uint64_t proviso = 0;   // candidates passed C0–C2, every one failed C3 (cycle proviso)
  std::uint64_t c1_all = 0;    // every enabled thread's C1 closure was every enabled thread
  std::uint64_t c0_c2 = 0;     // every enabled thread's closure failed: its own step visible
                               // (C2), or it pulled in a blocked (C0) or visible (C2) thread
  std::uint64_t mixed = 0;     // some closures the one way, some the other
  // The enabled threads of the conflicted states (c1_all + c0_c2 + mixed), by their closure:
  std::uint64_t attempts = 0, all_enabled = 0, self_visible = 0, needs_blocked = 0,
                needs_visible = 0;
  // What refinements of C1 could buy, at most: conflicted states where some enabled thread with
  // an invisible step would be a one-thread candidate (C1 alone; C3 not judged) if ...
  std::uint64_t conflicted = 0;
  std::uint64_t if_precise = 0;    // ... widened conflicts were gone (per-element pointers and
                                   // per-slot indices in the static future): every one of its
                                   // conflicts is widened
  std::uint64_t if_slots = 0;      // ... index widenings were gone: its conflicts are all
                                   // widened array slots ("M.i_pages[3]")
  std::uint64_t if_elements = 0;   // ... pointer widenings were gone: its conflicts are all
                                   // widened, none an array slot
  std::uint64_t if_no_locks = 0;   // ... it has no conflict on a lock word (lock-aware
                                   // independence can remove data conflicts under a lock the
                                   // thread holds, never the acquisitions themselves)
  std::uint64_t if_lock_held = 0;  // ... the same, and it holds a lock (the tighter ceiling of
                                   // lock-aware independence)
  std::uint64_t if_next_step = 0;  // ... only the other threads' next steps counted, not their
                                   // whole futures (its step is independent of each: the
                                   // ceiling of transition-level stubborn sets)
  std::vector<PorObjectCount> objects;  // the most frequent conflicts, by name
  std::vector<PorObjectCount> fields;   // the same, grouped by field over elements and slots
};

}  // namespace pcmc::checker
