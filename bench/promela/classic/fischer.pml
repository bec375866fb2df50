/*
 * Fischer's protocol, untimed (the delay waits until no process is between its read of x == 0
 * and its write): the twin of examples/classic/include/fischer.pcm, at pcmc's step granularity
 * (see peterson.pml).  Ids are 1..N (_pid + 1).
 *   spin -DN=5 -a fischer.pml
 */
#ifndef N
#define N 2
#endif

mtype = { START, F1, F2, F3, F4, CS_IN, CS_OUT, REL };

byte x;                        /* 0: free, else the id of a claimer */
byte pending;                  /* processes between their read of x == 0 and their write */
byte ncs;

active [N] proctype P()
{
	mtype pc = START;                    /* pcmc's thread entry: acts as F1 */

	do
	:: d_step { (pc == START || pc == F1) && x == 0 -> pending++; pc = F2 }
	:: d_step { pc == F2 -> x = _pid + 1; pending--; pc = F3 }
	:: d_step { pc == F3 && pending == 0 -> pc = F4 }              /* delay(D), D > d */
	:: d_step { pc == F4 -> pc = (x == _pid + 1 -> CS_IN : F1) }
	:: d_step { pc == CS_IN -> ncs++; pc = CS_OUT }
	:: d_step { pc == CS_OUT -> assert(ncs <= 1); ncs--; pc = REL }  /* mutex */
	:: d_step { pc == REL -> x = 0; pc = F1 }
	od
}
