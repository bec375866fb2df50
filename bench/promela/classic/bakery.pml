/*
 * Lamport's bakery with tickets bounded by MAXT: the twin of
 * examples/classic/include/bakery.pcm, at pcmc's step granularity (see peterson.pml).
 *   spin -DN=3 -DMAXT=3 -a bakery.pml
 */
#ifndef N
#define N 2
#endif
#ifndef MAXT
#define MAXT 3
#endif

mtype = { DOOR, READ, TAKE, CLEAR, WCH, WNUM, CS_IN, CS_OUT, UNLOCK, RETRY };

bool choosing[N];
byte number[N];
byte ncs;

active [N] proctype P()
{
	mtype pc = DOOR;
	byte j, max;

	do
	:: d_step { pc == DOOR -> choosing[_pid] = true; max = 0; j = 0; pc = READ }
	:: d_step { pc == READ ->
	            max = (number[j] > max -> number[j] : max);
	            j++;
	            if
	            :: j < N -> skip
	            :: else -> pc = (max < MAXT -> TAKE : RETRY)
	            fi }
	:: d_step { pc == TAKE -> number[_pid] = max + 1; pc = CLEAR }
	:: d_step { pc == CLEAR -> choosing[_pid] = false; j = (_pid == 0 -> 1 : 0); pc = WCH }
	:: d_step { pc == WCH && !choosing[j] -> pc = WNUM }
	:: d_step { pc == WNUM && (number[j] == 0 || number[j] > number[_pid] ||
	                          (number[j] == number[_pid] && j > _pid)) ->
	            j++;
	            if :: j == _pid -> j++ :: else fi;
	            pc = (j < N -> WCH : CS_IN) }
	:: d_step { pc == CS_IN -> ncs++; pc = CS_OUT }
	:: d_step { pc == CS_OUT -> assert(ncs <= 1); ncs--; pc = UNLOCK }      /* mutex */
	:: d_step { pc == UNLOCK -> number[_pid] = 0; pc = DOOR }
	:: d_step { pc == RETRY -> choosing[_pid] = false; pc = DOOR }
	od
}
