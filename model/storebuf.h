/* Store buffers of the tso and pso memory models (docs/memory-models.md). One definition for the
 * two engines, so they cannot disagree: the interpreter (model/exec.cpp, model/exec_eval.cpp)
 * includes it, and CMake pastes it into every generated native module (model/codegen.cpp),
 * like model/arith.h.
 *
 * Layout of one thread's buffer (Program::sb_stride = 1 + 8 * entries bytes, in the state):
 *   byte 0          n, the number of buffered stores (0 .. entries)
 *   bytes 1 + 8 i   entry i (0 = oldest): a little-endian uint32 word
 *                     bits 0..23   the state offset of the scalar stored (a global)
 *                     bits 24..26  its width in bytes (1, 2 or 4)
 *                     bit  28      "sep": pso only, an smp_wmb() after this store; no later
 *                                  entry may flush before this one and every earlier one
 *                   then the value as int32.
 * Entries n .. entries-1 are zero, so a buffer has one byte form per content (canonical) and
 * an empty buffer is all zero bytes.
 *
 * Semantics: a store of the thread appends an entry (pcmc_sb_push; a full buffer refuses it);
 * a load reads the newest entry for its offset, else memory (pcmc_sb_lookup); a flush writes
 * one entry to memory and removes it (pcmc_sb_flush). Under tso only entry 0 may flush (FIFO);
 * under pso entry j may when no earlier entry has its offset or a sep (pcmc_sb_flushable).
 */
#ifndef PCMC_STOREBUF_H
#define PCMC_STOREBUF_H

#ifdef __cplusplus
#include <cstdint>
#include <cstring>
#else
#include <stdint.h>
#include <string.h>
#endif

enum { PCMC_SB_ENTRY = 8, PCMC_SB_SEP = 1u << 28, PCMC_SB_MAX_OFFSET = 1u << 24 };

static inline uint32_t pcmc_sb_count(const uint8_t* sb) { return sb[0]; }

static inline uint32_t pcmc_sb_word(const uint8_t* sb, uint32_t i) {
  uint32_t w;
  memcpy(&w, sb + 1 + PCMC_SB_ENTRY * i, 4);
  return w;
}

static inline int32_t pcmc_sb_value(const uint8_t* sb, uint32_t i) {
  int32_t v;
  memcpy(&v, sb + 1 + PCMC_SB_ENTRY * i + 4, 4);
  return v;
}

static inline uint32_t pcmc_sb_offset(uint32_t word) { return word & (PCMC_SB_MAX_OFFSET - 1); }
static inline uint32_t pcmc_sb_width(uint32_t word) { return (word >> 24) & 7u; }

/* The newest buffered value for the scalar at `offset`: 1 and *v, or 0 (read memory). */
static inline int pcmc_sb_lookup(const uint8_t* sb, uint32_t offset, int64_t* v) {
  for (uint32_t i = sb[0]; i-- > 0;)
    if (pcmc_sb_offset(pcmc_sb_word(sb, i)) == offset) {
      *v = pcmc_sb_value(sb, i);
      return 1;
    }
  return 0;
}

/* Appends a store; 0 when the buffer already holds `entries` stores (nothing changes). */
static inline int pcmc_sb_push(uint8_t* sb, uint32_t entries, uint32_t offset, uint32_t width,
                               int64_t v) {
  const uint32_t n = sb[0];
  if (n >= entries) return 0;
  const uint32_t w = offset | (width << 24);
  const int32_t x = (int32_t)v;
  memcpy(sb + 1 + PCMC_SB_ENTRY * n, &w, 4);
  memcpy(sb + 1 + PCMC_SB_ENTRY * n + 4, &x, 4);
  sb[0] = (uint8_t)(n + 1);
  return 1;
}

/* smp_wmb() under pso: the stores buffered so far flush before any later one. */
static inline void pcmc_sb_separate(uint8_t* sb) {
  const uint32_t n = sb[0];
  if (n == 0) return;
  const uint32_t w = pcmc_sb_word(sb, n - 1) | PCMC_SB_SEP;
  memcpy(sb + 1 + PCMC_SB_ENTRY * (n - 1), &w, 4);
}

/* Whether entry j may flush now: tso (pso == 0) only the oldest; pso any entry with no earlier
 * store to its offset and no earlier smp_wmb() separator. */
static inline int pcmc_sb_flushable(const uint8_t* sb, uint32_t j, int pso) {
  if (j >= sb[0]) return 0;
  if (!pso) return j == 0;
  const uint32_t off = pcmc_sb_offset(pcmc_sb_word(sb, j));
  for (uint32_t i = 0; i < j; ++i) {
    const uint32_t w = pcmc_sb_word(sb, i);
    if ((w & PCMC_SB_SEP) != 0 || pcmc_sb_offset(w) == off) return 0;
  }
  return 1;
}

/* pso, a store of an `atomic unordered|acquire` block, which goes to memory at once: it must
 * wait (1) while an earlier store to the same scalar is buffered (coherence: it would be
 * overwritten by that older store's flush) and (2) while an smp_wmb() separator is buffered
 * (the stores before the barrier must reach memory before any store after it). 1: wait. */
static inline int pcmc_sb_conflict(const uint8_t* sb, uint32_t offset) {
  for (uint32_t i = 0; i < sb[0]; ++i) {
    const uint32_t w = pcmc_sb_word(sb, i);
    if ((w & PCMC_SB_SEP) != 0 || pcmc_sb_offset(w) == offset) return 1;
  }
  return 0;
}

/* Writes entry j to memory (`state`) and removes it. A separator on j moves to the entry
 * before it (every earlier entry is in j's group, so the later groups still wait for them). */
static inline void pcmc_sb_flush(uint8_t* state, uint8_t* sb, uint32_t j) {
  const uint32_t n = sb[0];
  const uint32_t w = pcmc_sb_word(sb, j);
  const int32_t v = pcmc_sb_value(sb, j);
  const uint32_t off = pcmc_sb_offset(w);
  switch (pcmc_sb_width(w)) {
    case 1: {
      const int8_t x = (int8_t)v;
      memcpy(state + off, &x, 1);
      break;
    }
    case 2: {
      const int16_t x = (int16_t)v;
      memcpy(state + off, &x, 2);
      break;
    }
    default: memcpy(state + off, &v, 4); break;
  }
  if ((w & PCMC_SB_SEP) != 0 && j > 0) {
    const uint32_t prev = pcmc_sb_word(sb, j - 1) | PCMC_SB_SEP;
    memcpy(sb + 1 + PCMC_SB_ENTRY * (j - 1), &prev, 4);
  }
  memmove(sb + 1 + PCMC_SB_ENTRY * j, sb + 1 + PCMC_SB_ENTRY * (j + 1),
          PCMC_SB_ENTRY * (n - j - 1));
  memset(sb + 1 + PCMC_SB_ENTRY * (n - 1), 0, PCMC_SB_ENTRY);
  sb[0] = (uint8_t)(n - 1);
}

#endif /* PCMC_STOREBUF_H */
