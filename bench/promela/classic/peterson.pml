/*
 * Peterson's filter lock for N processes: the twin of examples/classic/include/peterson.pcm.
 *   spin -DN=4 -a peterson.pml && gcc -O2 -DNOREDUCE -DCOLLAPSE -DSAFETY -o pan pan.c && ./pan
 * Written at pcmc's step granularity (bench/README.md, "Classic twins"): pc names the statement
 * a process rests at, each pcmc step is one d_step guarded by it, and the local work pcmc folds
 * into a step (loop counters, skipping the own id) is done inside that d_step, so the states
 * are pcmc's states under --no-reduce one for one.
 */
#ifndef N
#define N 3
#endif

mtype = { LEVEL, LAST, WAIT, CS_IN, CS_OUT, UNLOCK };

byte level[N];
byte last[N];                  /* last[k]: the victim of level k */
byte ncs;                      /* processes in the critical section */

active [N] proctype P()
{
	mtype pc = LEVEL;
	byte k = 1, j;

	do
	:: d_step { pc == LEVEL -> level[_pid] = k; pc = LAST }
	:: d_step { pc == LAST -> last[k] = _pid; j = (_pid == 0 -> 1 : 0); pc = WAIT }
	:: d_step { pc == WAIT && (level[j] < k || last[k] != _pid) ->
	            j++;
	            if :: j == _pid -> j++ :: else fi;
	            if
	            :: j < N -> skip
	            :: else -> k++; pc = (k < N -> LEVEL : CS_IN)
	            fi }
	:: d_step { pc == CS_IN -> ncs++; pc = CS_OUT }
	:: d_step { pc == CS_OUT -> assert(ncs <= 1); ncs--; pc = UNLOCK }      /* mutex */
	:: d_step { pc == UNLOCK -> level[_pid] = 0; k = 1; pc = LEVEL }
	od
}
