/*
 * Dining philosophers with the last one taking fork 0 first (pcmc's -D ORDERED): the twin of
 * examples/classic/include/philosophers.pcm, at pcmc's step granularity (see peterson.pml).
 * -DNAIVE gives the deadlocking variant (pan reports an invalid end state).
 *   spin -DN=6 -a philosophers.pml
 */
#ifndef N
#define N 5
#endif
#ifdef NAIVE
#define FIRST(i)  (i)
#define SECOND(i) (((i) + 1) % N)
#else
#define FIRST(i)  ((i) == N - 1 -> 0 : (i))
#define SECOND(i) ((i) == N - 1 -> (i) : ((i) + 1) % N)
#endif

mtype = { START, T1, T2, E1, E2, P1, P2 };

bool fork[N];                  /* taken */
byte eating;

active [N] proctype P()
{
	mtype pc = START;                    /* pcmc's thread entry: acts as T1 */

	do
	:: d_step { (pc == START || pc == T1) && !fork[FIRST(_pid)] -> fork[FIRST(_pid)] = true; pc = T2 }
	:: d_step { pc == T2 && !fork[SECOND(_pid)] -> fork[SECOND(_pid)] = true; pc = E1 }
	:: d_step { pc == E1 -> eating++; assert(eating <= N / 2); pc = E2 }   /* enough_forks */
	:: d_step { pc == E2 -> eating--; pc = P1 }
	:: d_step { pc == P1 -> fork[(_pid + 1) % N] = false; pc = P2 }
	:: d_step { pc == P2 -> fork[_pid] = false; pc = T1 }
	od
}
