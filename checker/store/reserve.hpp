// Room for one more element in a vector before the push_back that needs it: the stores allocate
// everything an insertion needs first, so that std::bad_alloc leaves them unchanged. Capacity
// grows geometrically (amortised O(1) per element): `v.reserve(v.size() + 1)` reallocates and
// copies the whole vector on every call, which made a 46-million-state hash-compaction run
// spend 80 % of its time copying its chunk list.
#pragma once

#include <vector>

namespace pcmc::checker {

template <class T>
void reserve_one_more(std::vector<T>& v) {
  if (v.size() == v.capacity()) v.reserve(v.size() + v.size() / 2 + 1);
}

}  // namespace pcmc::checker
