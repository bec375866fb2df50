/*
 * Anderson's array lock with N slots: the twin of examples/classic/include/anderson.pcm, at
 * pcmc's step granularity (see peterson.pml).  Promela cannot start one element of an array
 * true, so init sets has_lock[0] and starts the processes in one d_step: pan stores one state
 * more than pcmc (the state before it; init then rests at its end, the same in every state).
 *   spin -DN=4 -a anderson.pml
 */
#ifndef N
#define N 3
#endif

mtype = { START, A1, SPIN, CS_IN, CS_OUT, REL1, REL2 };

bool has_lock[N];
byte tail;
byte ncs;

proctype P()
{
	mtype pc = START;                    /* pcmc's thread entry: acts as A1 */
	byte my;

	do
	:: d_step { (pc == START || pc == A1) ->              /* my = getAndIncrement(tail) % N */
	            my = tail; tail = (tail + 1) % N; pc = SPIN }
	:: d_step { pc == SPIN && has_lock[my] -> pc = CS_IN }
	:: d_step { pc == CS_IN -> ncs++; pc = CS_OUT }
	:: d_step { pc == CS_OUT -> assert(ncs <= 1); ncs--; pc = REL1 }    /* mutex */
	:: d_step { pc == REL1 -> has_lock[my] = false; pc = REL2 }
	:: d_step { pc == REL2 -> has_lock[(my + 1) % N] = true; pc = A1 }
	od
}

init {
	byte i;
	atomic {
		has_lock[0] = true;
		for (i : 0 .. N - 1) { run P() }
		i = 0
	}
}
