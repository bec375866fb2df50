/* The C ABI between pcmc (the host) and a native module: the shared library compiled from the
 * C++ that model/codegen.cpp generates for one Program (docs/native-engine.md).
 *
 * This file is included by the host (model/native.cpp) and pasted verbatim into every generated
 * translation unit (CMake embeds it as a string, model/native_abi_text.hpp.in), so both sides
 * see the same declarations. The module exports pcmc_native_abi_version() and
 * pcmc_native_abi_sizes(); the loader checks both against its own before it calls anything else.
 * Bump PCMC_NATIVE_ABI_VERSION with every change to this file.
 *
 * Only fixed-width types; plain structs without padding; no pointers into host containers
 * except through the callbacks. Thread-safety: every entry point is reentrant (no globals
 * written); a call's working memory is the host's (one context per calling thread).
 */
#ifndef PCMC_NATIVE_ABI_H
#define PCMC_NATIVE_ABI_H

#ifdef __cplusplus
#include <cstdint>
#else
#include <stdint.h>
#endif

#define PCMC_NATIVE_ABI_VERSION 3u

/* model::Event, field for field (the host converts; kinds and error kinds are the enums'
 * values). */
typedef struct pcmc_native_event {
  uint8_t kind;   /* 0 AssertFired, 1 Discipline, 2 ModelError */
  uint8_t error;  /* model::ModelErrorKind */
  uint16_t thread;
  uint32_t site;
  uint32_t pc;
  int32_t addr;
  int64_t value;
} pcmc_native_event;

/* What the generated step calls back. `ctx` is the host's per-call context. */
typedef struct pcmc_native_host {
  /* The fork buffer of choice depth `depth` (state_size bytes), created when missing. Pointers
   * stay valid for the whole step (deeper buffers may be created meanwhile). */
  uint8_t* (*buffer)(void* ctx, uint32_t depth);
  void (*push_event)(void* ctx, const pcmc_native_event* e);
  /* Drops the step's events after the first n (n never exceeds the count). */
  void (*truncate_events)(void* ctx, uint32_t n);
  /* Whether the step's events hold a Discipline event of this site and address. */
  int32_t (*has_discipline)(void* ctx, uint32_t site, int32_t addr);
  /* A successor: `state` (state_size bytes, pc already written), its events are all the step's
   * events so far. May throw a C++ exception (it unwinds through the generated frames). */
  void (*emit)(void* ctx, const uint8_t* state, uint16_t index, int32_t fatal,
               uint32_t first_pc, uint32_t main_pc);
} pcmc_native_host;

/* One step call. `access_reads`/`access_writes` (one bit per globals byte, zeroed by the host)
 * and `access_assertion` are null unless the host records the footprint (Scratch::access).
 * `block_crossed` (never null; the host zeroes it) is set to 1 by a module generated with
 * ExecOptions::ref_blocks when some path of the step crossed a block (Scratch::block_crossed);
 * a module generated without them never writes it. */
typedef struct pcmc_native_step_call {
  const pcmc_native_host* host;
  void* ctx;
  uint8_t* state0;           /* fork buffer 0, already holding the state */
  uint64_t* access_reads;
  uint64_t* access_writes;
  uint8_t* access_assertion;
  uint8_t* block_crossed;
  uint8_t* sb_full;          /* never null, zeroed: set to 1 when a store found the thread's
                              * store buffer full (tso/pso, Scratch::sb_full) */
  uint32_t thread;
  uint32_t first_pc;         /* the thread's pc in the state (not kPcFinished) */
} pcmc_native_step_call;

/* pcmc_native_step's result beyond the successor count (`*status`). */
#define PCMC_NATIVE_OK 0
#define PCMC_NATIVE_BAD_PC 1     /* a pc outside the thread's code: an internal error */
#define PCMC_NATIVE_BAD_THREAD 2

/* pcmc_native_eval_cond's results. */
#define PCMC_NATIVE_COND_FALSE 0
#define PCMC_NATIVE_COND_TRUE 1
#define PCMC_NATIVE_COND_ERROR 2    /* a model error: *error_kind, *error_value set */
#define PCMC_NATIVE_COND_UNKNOWN 3  /* not a compiled condition: the host interprets it */

/* sizeof of the shared structs, packed: event | host << 8 | step_call << 16. */
#define PCMC_NATIVE_ABI_SIZES                                                       \
  ((uint32_t)sizeof(pcmc_native_event) | ((uint32_t)sizeof(pcmc_native_host) << 8) | \
   ((uint32_t)sizeof(pcmc_native_step_call) << 16))

#ifdef __cplusplus
extern "C" {
#endif
typedef uint32_t (*pcmc_native_abi_version_fn)(void);
typedef uint32_t (*pcmc_native_abi_sizes_fn)(void);
/* The program the module was generated for: its state size and a fingerprint of the source. */
typedef uint32_t (*pcmc_native_state_size_fn)(void);
typedef uint32_t (*pcmc_native_step_fn)(const pcmc_native_step_call* call, uint32_t* status);
/* `block_crossed` may be null; when not, a module generated with ExecOptions::ref_blocks sets
 * it to 1 if the evaluation crossed a block (never resets it), as Executor::eval_cond. */
typedef int32_t (*pcmc_native_eval_cond_fn)(int32_t cond, const uint8_t* state,
                                            uint8_t* error_kind, int64_t* error_value,
                                            uint8_t* block_crossed);
#ifdef __cplusplus
}
#endif

#endif /* PCMC_NATIVE_ABI_H */
