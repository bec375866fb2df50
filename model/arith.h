/* The integer arithmetic of the modelling language (docs/language.md, "Integers"): 64-bit two's
 * complement, checked. One definition for the three places that compute it, so they cannot
 * disagree: the interpreter (model/exec_eval.cpp), constant folding (model/lower_expr.cpp) and
 * the native engine (CMake pastes this file into every generated module, after native_abi.h).
 *
 * C where C defines the result; a model error (run time) or a compile error (constants) where
 * it does not:
 *   + - * and unary -   the exact result, or PCMC_ARITH_OVERFLOW when it leaves int64
 *   / %                 truncating, as C; PCMC_ARITH_DIVZERO for a zero divisor;
 *                       INT64_MIN / -1 and INT64_MIN % -1 are PCMC_ARITH_OVERFLOW (the quotient
 *                       2^63 does not exist)
 *   << >>               the count must be in 0..63, else PCMC_ARITH_SHIFT; x << n needs x >= 0
 *                       and x * 2^n in int64, else PCMC_ARITH_OVERFLOW (C: undefined);
 *                       x >> n is arithmetic (the sign is copied in: -1 >> 63 == -1), as GCC
 *                       and C++20 define C's implementation-defined case
 * Each function returns PCMC_ARITH_OK and stores the result in *r, or an error and leaves *r.
 */
#ifndef PCMC_ARITH_H
#define PCMC_ARITH_H

#ifdef __cplusplus
#include <cstdint>
#else
#include <stdint.h>
#endif

enum { PCMC_ARITH_OK = 0, PCMC_ARITH_OVERFLOW = 1, PCMC_ARITH_DIVZERO = 2, PCMC_ARITH_SHIFT = 3 };

static inline int pcmc_arith_add(int64_t x, int64_t y, int64_t* r) {
  return __builtin_add_overflow(x, y, r) ? PCMC_ARITH_OVERFLOW : PCMC_ARITH_OK;
}

static inline int pcmc_arith_sub(int64_t x, int64_t y, int64_t* r) {
  return __builtin_sub_overflow(x, y, r) ? PCMC_ARITH_OVERFLOW : PCMC_ARITH_OK;
}

static inline int pcmc_arith_mul(int64_t x, int64_t y, int64_t* r) {
  return __builtin_mul_overflow(x, y, r) ? PCMC_ARITH_OVERFLOW : PCMC_ARITH_OK;
}

static inline int pcmc_arith_neg(int64_t x, int64_t* r) {
  return __builtin_sub_overflow((int64_t)0, x, r) ? PCMC_ARITH_OVERFLOW : PCMC_ARITH_OK;
}

static inline int pcmc_arith_div(int64_t x, int64_t y, int64_t* r) {
  if (y == 0) return PCMC_ARITH_DIVZERO;
  if (y == -1 && x == INT64_MIN) return PCMC_ARITH_OVERFLOW;
  *r = x / y;
  return PCMC_ARITH_OK;
}

static inline int pcmc_arith_mod(int64_t x, int64_t y, int64_t* r) {
  if (y == 0) return PCMC_ARITH_DIVZERO;
  if (y == -1 && x == INT64_MIN) return PCMC_ARITH_OVERFLOW;
  *r = x % y;
  return PCMC_ARITH_OK;
}

static inline int pcmc_arith_shl(int64_t x, int64_t y, int64_t* r) {
  if (y < 0 || y > 63) return PCMC_ARITH_SHIFT;
  if (x < 0 || x > (INT64_MAX >> y)) return PCMC_ARITH_OVERFLOW;
  *r = x << y;
  return PCMC_ARITH_OK;
}

static inline int pcmc_arith_shr(int64_t x, int64_t y, int64_t* r) {
  if (y < 0 || y > 63) return PCMC_ARITH_SHIFT;
  *r = x >> y;
  return PCMC_ARITH_OK;
}

#endif /* PCMC_ARITH_H */
