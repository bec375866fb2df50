/*
 * The sliding-tile puzzle on ROWS x COLS: the twin of examples/classic/include/sliding_tiles.pcm
 * and its start positions (sliding-2x3.pcm, sliding-2x4.pcm, large/sliding-3x3.pcm,
 * large/sliding-2x5.pcm), one d_step per move.  The player stops at the goal (a valid end
 * state, label end).  Promela cannot start an array with different elements, so the first
 * d_step writes the start position: pan stores that all-zero state as well, where pcmc stores
 * its thread's start (before the loop) instead; both count the positions plus one.
 *   spin -DROWS=3 -DCOLS=3 -a sliding_tiles.pml
 */
#ifndef ROWS
#define ROWS 3
#endif
#ifndef COLS
#define COLS 3
#endif
#define NB (ROWS * COLS)

byte board[NB];                /* board[p]: the tile at p, 0 the blank */
byte blank;
byte misplaced;                /* tiles not at their goal position */
hidden byte q, p;

#define GOAL(pos) (((pos) + 1) % NB)

/* slides the tile at q (next to the blank) into the blank */
inline slide() {
	if :: board[q] != GOAL(q) -> misplaced-- :: else fi;
	if :: board[q] != GOAL(blank) -> misplaced++ :: else fi;
	board[blank] = board[q];
	board[q] = 0;
	blank = q
}

active proctype player()
{
	d_step {
#if ROWS == 2 && COLS == 3
		board[0] = 2; board[1] = 3; board[2] = 0; board[3] = 1; board[4] = 4; board[5] = 5;
#elif ROWS == 2 && COLS == 4
		board[0] = 7; board[1] = 2; board[2] = 1; board[3] = 4;
		board[4] = 3; board[5] = 5; board[6] = 0; board[7] = 6;
#elif ROWS == 3 && COLS == 3
		board[0] = 8; board[1] = 6; board[2] = 7; board[3] = 2; board[4] = 5;
		board[5] = 4; board[6] = 3; board[7] = 0; board[8] = 1;
#elif ROWS == 2 && COLS == 5
		board[0] = 4; board[1] = 1; board[2] = 7; board[3] = 6; board[4] = 8;
		board[5] = 3; board[6] = 0; board[7] = 9; board[8] = 2; board[9] = 5;
#else
#error no start position for this size
#endif
		p = 0;
		do
		:: p < NB ->
			if
			:: board[p] == 0 -> blank = p
			:: else -> if :: board[p] != GOAL(p) -> misplaced++ :: else fi
			fi;
			p++
		:: else -> break
		od
	}
end:
	do
	:: d_step { misplaced != 0 && blank >= COLS -> q = blank - COLS; slide() }
	:: d_step { misplaced != 0 && blank < (ROWS - 1) * COLS -> q = blank + COLS; slide() }
	:: d_step { misplaced != 0 && blank % COLS > 0 -> q = blank - 1; slide() }
	:: d_step { misplaced != 0 && blank % COLS < COLS - 1 -> q = blank + 1; slide() }
	od
}
