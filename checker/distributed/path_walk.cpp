// path_walk.hpp. A hop's message: the parent link (kNoLink: the initial state, the walk ends),
// whether a step was found (not at the first hop), the step, then the state's bytes.
#include "checker/distributed/path_walk.hpp"

#include <mpi.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

namespace pcmc::distributed {

namespace {

// The first non-fatal transition to `target` in generation order (search_paths.cpp's Match).
class Match final : public checker::TransitionSink {
 public:
  Match(const std::uint8_t* target, std::size_t size) : target_(target), size_(size) {}
  void on_transition(const checker::Transition& t) override {
    if (found || t.fatal) return;
    if (std::memcmp(t.state, target_, size_) == 0) {
      found = true;
      step = checker::Step{t.thread, t.index};
    }
  }
  bool found = false;
  checker::Step step;

 private:
  const std::uint8_t* target_;
  std::size_t size_;
};

constexpr std::size_t kHead = 3;  // words: link, has step, step

}  // namespace

PathWalk walk_path(const checker::TransitionSystem& sys, checker::Context& ctx,
                   const checker::StateStore& store, const ParentLinks& links,
                   int rank, int holder, std::uint32_t id) {
  const std::size_t size = sys.state_size();
  std::vector<std::uint64_t> msg(kHead + size / 8 + 1);
  std::vector<std::uint8_t> child(std::max<std::size_t>(1, size));
  bool have_child = false;
  PathWalk w;
  for (;;) {
    if (rank == holder) {
      if (id >= links.size()) throw std::logic_error("distributed search: a path hop to no state");
      auto* bytes = reinterpret_cast<std::uint8_t*>(msg.data() + kHead);
      store.decode(id, bytes);
      msg[0] = links[id];
      msg[1] = 0;
      if (have_child) {
        Match m(child.data(), size);
        for (unsigned t = 0; t < sys.thread_count() && !m.found; ++t)
          sys.successors(bytes, t, ctx, m);
        if (!m.found)
          throw std::logic_error("distributed search: no transition from the parent link of a state");
        msg[1] = 1;
        msg[2] = std::uint64_t{m.step.thread} << 16 | m.step.index;
      }
    }
    if (MPI_Bcast(msg.data(), static_cast<int>(msg.size()), MPI_UINT64_T, holder,
                  MPI_COMM_WORLD) != MPI_SUCCESS)
      throw std::runtime_error("MPI_Bcast failed");
    if (msg[1] != 0)
      w.steps.push_back(checker::Step{static_cast<std::uint16_t>(msg[2] >> 16),
                                      static_cast<std::uint16_t>(msg[2] & 0xFFFF)});
    if (msg[0] == kNoLink) break;
    const int next = static_cast<int>(msg[0] >> 32);
    if (next != holder) ++w.hops_across;
    holder = next;
    id = static_cast<std::uint32_t>(msg[0] & 0xFFFFFFFFu);
    if (size != 0) std::memcpy(child.data(), msg.data() + kHead, size);
    have_child = true;
  }
  std::reverse(w.steps.begin(), w.steps.end());
  return w;
}

}  // namespace pcmc::distributed
