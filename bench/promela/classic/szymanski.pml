/*
 * Szymanski's algorithm, four-flag form: the twin of examples/classic/include/szymanski.pcm,
 * at pcmc's step granularity (see peterson.pml).
 *   spin -DN=3 -a szymanski.pml
 */
#ifndef N
#define N 2
#endif

mtype = { S1, DOORW, S3, FIND, S2, BUSY, S4, LOW, CS_IN, CS_OUT, HIGH, EXIT };

byte flag[N];
byte ncs;

/* j to the next index that is not the own one; then pc = (j < N -> more : done) */
inline next_other(more, done) {
	j++;
	if :: j == _pid -> j++ :: else fi;
	pc = (j < N -> more : done)
}

active [N] proctype P()
{
	mtype pc = S1;
	byte j;
	bool found;

	do
	:: d_step { pc == S1 -> flag[_pid] = 1; j = (_pid == 0 -> 1 : 0); pc = DOORW }
	:: d_step { pc == DOORW && flag[j] < 3 -> next_other(DOORW, S3) }
	:: d_step { pc == S3 -> flag[_pid] = 3; found = false; j = (_pid == 0 -> 1 : 0); pc = FIND }
	:: d_step { pc == FIND ->
	            if :: flag[j] == 1 -> found = true :: else fi;
	            j++;
	            if :: j == _pid -> j++ :: else fi;
	            if
	            :: j < N -> skip
	            :: else -> pc = (found -> S2 : S4)
	            fi }
	:: d_step { pc == S2 -> flag[_pid] = 2; j = 0; pc = BUSY }
	:: d_step { pc == BUSY ->
	            if
	            :: flag[j] != 4 -> j = (j + 1) % N
	            :: else -> pc = S4
	            fi }
	:: d_step { pc == S4 -> flag[_pid] = 4; j = 0; pc = (j < _pid -> LOW : CS_IN) }
	:: d_step { pc == LOW && flag[j] < 2 -> j++; pc = (j < _pid -> LOW : CS_IN) }
	:: d_step { pc == CS_IN -> ncs++; pc = CS_OUT }
	:: d_step { pc == CS_OUT -> assert(ncs <= 1); ncs--; j = _pid + 1;           /* mutex */
	            pc = (j < N -> HIGH : EXIT) }
	:: d_step { pc == HIGH && (flag[j] < 2 || flag[j] > 3) -> j++; pc = (j < N -> HIGH : EXIT) }
	:: d_step { pc == EXIT -> flag[_pid] = 0; pc = S1 }
	od
}
