/*
 * c-r2.pml — examples/seed/c-r2.pcm (khugepaged's collapse_file() forward phase and rollback
 * against an opener's truncation, spec §6 R2f/R2b) in Promela, for SPIN, at pcmc's step
 * granularity: every atomic step of the pcmc model (a statement that touches shared state, an
 * `atomic { }` block of the kernel library) is one `d_step` here, with the same data: the page
 * pool (lock owner, flags, compound structure, _refcount, mapping, index, allocated, ghost
 * slot count), the 8 slots of the mapping, xa_lock, nrpages, nr_thps, invalidate_lock,
 * i_writecount and ghost_writers.  Library code followed: model/kernel/v5.15/{page,mapping,
 * filemap,truncate,open,khugepaged}.pcm; the comments name the pcmc function of each step.
 *
 * Variant: F1+F3 (d417b49fff3e + 55fc0d917467, what was merged): A1 deleted, the opener takes
 * invalidate_lock around its truncation.  Granularity defaults (G_* off), no failure injection.
 *   spin -a c-r2.pml                  CONFIG_DEBUG_VM off: every assertion holds (harm, BUG_ON,
 *                                     WARN_ON and the quiescence checks of c-r2.pcm's `final`s)
 *   spin -DDEBUG_VM -a c-r2.pml       VM_BUG_ON* compiled in: A3 is reachable (the rollback
 *                                     leaves a tail for truncate_inode_page(), findings Q2)
 * then `gcc -O2 -DSAFETY -o pan pan.c && ./pan -m1000000` (add -DBFS for a shortest trail).
 *
 * Differences from the pcmc model, by construction (see bench/README.md):
 *  - the scenario's constants are folded: the file is a regular file (S_ISBLK false, shmem
 *    false), so the block-device and shmem branches are absent; F2a/F2b/F4..F11 are off;
 *  - WARN_ON (A4, A6w, W_dirty) is an assert (pcmc reports and continues; none fires here);
 *  - the `final` checks run in init once both threads have finished (one more transition per
 *    end state); `exists (ghost_tail_truncate)` is not counted; non-termination is not checked;
 *  - the guarded-read discipline (A1.discipline) is not modelled (A1 is deleted by F1);
 *  - SPIN stores local-only control flow between d_steps as extra states unless its
 *    statement merging folds it, and every process has a pc of its own plus init's.
 */

#define NR        4        /* HPAGE_PMD_NR */
#define NR_SLOTS  8
#define NPAGES    12
#define NONE      0        /* NO_THREAD */
#define TK        1        /* thread K (khugepaged) */
#define TO        2        /* thread O (the opener) */
#define MAP       1        /* the mapping M (0 = NULL) */
#define NIL       0        /* NULL page */
#define s0        1        /* pages 1..12: s0..s3, C0..C3, D0..D3 */
#define C0        5
#define D0        9

#define SCAN_SUCCEED       0
#define SCAN_FAIL          1
#define SCAN_PAGE_LOCK     2
#define SCAN_PAGE_COMPOUND 3
#define SCAN_TRUNCATED     4
#define SCAN_DEL_PAGE_LRU  5
#define SCAN_PAGE_COUNT    6
#define SCAN_VMA_CHECK     7

/* assertion classes (docs/language.md): harm and BUG_ON always, VM_BUG_ON with CONFIG_DEBUG_VM */
#define HARM_ON(c)    assert(!(c))
#define BUG_ON(c)     assert(!(c))
#define WARN_ON(c)    assert(!(c))
#ifdef DEBUG_VM
#define VM_BUG_ON(c)  assert(!(c))
#else
#define VM_BUG_ON(c)  skip
#endif

typedef Page {
	byte lock_owner;          /* PG_locked: the locker, NONE when clear */
	bit uptodate;
	bit dirty;
	bit writeback;
	bit lru;
	bit head;                 /* PG_head */
	byte first_page;          /* tails: the head; NIL otherwise */
	byte refcount;
	bit mapping;              /* MAP or NULL */
	byte index;
	bit allocated;
	byte ghost_slots;         /* ghost: slots holding this page */
};

Page pg[NPAGES + 1];               /* pg[0] is NULL */
byte slot[NR_SLOTS];               /* M->i_pages */
byte xa_lock;
short nrpages;
byte nr_thps;
byte inv_owner;                    /* invalidate_lock: writer */
byte inv_readers;
short i_writecount;
byte ghost_writers;
bit ghost_tail_truncate;
bit collapsed;
bit opened = 1;
byte hd;                           /* scratch of put_page() inside a d_step; 0 between steps
                                      (not `hidden`: pan -DBFS refuses hidden variables) */

/* ---- page.pcm: expression functions -------------------------------------------------------- */
#define HEAD(p)          (pg[p].first_page != NIL -> pg[p].first_page : (p))
#define PageTail(p)      (pg[p].first_page != NIL)
#define PageHead(p)      (pg[p].head)
#define PageLocked(p)    (pg[HEAD(p)].lock_owner != NONE)
#define PageUptodate(p)  (pg[HEAD(p)].uptodate)
#define PageDirty(p)     (pg[HEAD(p)].dirty)
#define PageWriteback(p) (pg[HEAD(p)].writeback)
#define PageTransCompound(p) (pg[p].head || pg[p].first_page != NIL)
#define THP_NR(p)        (pg[p].head -> NR : 1)
#define PAGE_MAPPING(p)  (pg[HEAD(p)].mapping)
#define PAGE_TO_INDEX(p) (pg[p].first_page == NIL -> pg[p].index : pg[pg[p].first_page].index + (p) - pg[p].first_page)
#define THP_CONTAINS(p, ix) (pg[p].index == ((ix) & ~(THP_NR(p) - 1)))

/* ---- page.pcm: bodies of atomic steps (used inside d_step; p is a head or small page) ---------- */
inline free_the_page(p) {
	pg[p].lru = 0;
	HARM_ON(pg[p].lock_owner != NONE);          /* H_badfree */
	HARM_ON(pg[p].writeback);                   /* H_badfree */
	HARM_ON(pg[p].mapping != 0);                /* H_badfree */
	HARM_ON(pg[p].ghost_slots != 0);            /* H_badfree */
	pg[p].allocated = 0;
	pg[p].uptodate = 0;
	pg[p].dirty = 0
}
inline put_page(p) {                            /* on the compound head */
	hd = HEAD(p);
	HARM_ON(pg[hd].refcount == 0);              /* H_underflow */
	pg[hd].refcount = pg[hd].refcount - 1;
	if
	:: pg[hd].refcount == 0 -> free_the_page(hd)
	:: else -> skip
	fi;
	hd = 0
}
inline get_page(p) {
	HARM_ON(!pg[HEAD(p)].allocated);            /* H_uaf */
	VM_BUG_ON(pg[HEAD(p)].refcount == 0);       /* A_get_page */
	pg[HEAD(p)].refcount = pg[HEAD(p)].refcount + 1
}
inline unlock_page(p) {
	VM_BUG_ON(pg[HEAD(p)].lock_owner == NONE);  /* A11 */
	HARM_ON(!pg[HEAD(p)].allocated);            /* H_uaf */
	pg[HEAD(p)].lock_owner = NONE
}
inline page_ref_unfreeze(p, count) {
	VM_BUG_ON(pg[p].refcount != 0);             /* A_unfreeze */
	pg[p].refcount = count
}

/* ---- mapping.pcm ---------------------------------------------------------------------------- */
inline xa_unlock_irq(me) {
	BUG_ON(xa_lock != me);                      /* B_xa_unlock */
	xa_lock = NONE
}
inline xas_store(ix, entry) {                   /* keeps the ghost slot counts */
	if :: slot[ix] != NIL -> pg[slot[ix]].ghost_slots = pg[slot[ix]].ghost_slots - 1 :: else -> skip fi;
	if :: entry != NIL -> pg[entry].ghost_slots = pg[entry].ghost_slots + 1 :: else -> skip fi;
	slot[ix] = entry
}
inline nr_thps_dec() {
	HARM_ON(nr_thps == 0);                      /* H_nr_thps */
	nr_thps = nr_thps - 1
}

/* ---- filemap.pcm ---------------------------------------------------------------------------- */
inline unaccount_page_cache_page(p) {
	VM_BUG_ON(PageTail(p));                     /* A5u */
	if :: pg[p].head -> nr_thps_dec() :: else -> skip fi;
	WARN_ON(PageDirty(p))                       /* W_dirty */
}
inline page_cache_free_page(p) {
	if
	:: pg[p].head ->
		HARM_ON(pg[p].refcount < NR);           /* H_underflow */
		pg[p].refcount = pg[p].refcount - NR;
		VM_BUG_ON(pg[p].refcount <= 0)          /* A10 */
	:: else -> put_page(p)
	fi
}

/*
 * find_get_entry(mapping, &xa_index, max, &thp): xas_find (one atomic snapshot), then
 * get_page_unless_zero + A9 + xas_reload as one step; a moved page is put (one step), retry.
 * Result in fpage (NIL: none).
 */
inline find_get_entry(xa_index, max, fpage, thp) {
	do
	:: d_step {                                 /* xas_find(): one atomic snapshot */
		fpage = NIL;
		do
		:: xa_index <= max && slot[xa_index] == NIL -> xa_index++
		:: else -> break
		od;
		if :: xa_index <= max -> fpage = slot[xa_index] :: else -> skip fi
	   }
	   if
	   :: fpage == NIL -> break
	   :: else ->
		d_step {                                /* get_page_unless_zero; A9; xas_reload */
			got = 0; moved = 0;
			if
			:: pg[fpage].refcount != 0 ->
				pg[fpage].refcount = pg[fpage].refcount + 1;
				got = 1;
				VM_BUG_ON(PageTail(fpage));     /* A9 */
				moved = (fpage != slot[xa_index]);
				thp = pg[fpage].head
			:: else -> skip
			fi
		}
		if
		:: !got -> fpage = NIL; moved = 0                        /* xas_reset(); retry */
		:: got && moved -> d_step { put_page(fpage); fpage = NIL; thp = 0; got = 0; moved = 0 }
		:: else -> got = 0; moved = 0; break
		fi
	   fi
	od
}

/* ---- khugepaged ----------------------------------------------------------------------------- */
proctype K()
{
	byte index;
	byte page;
	byte pagelist[NR];
	byte nr_isolated;
	byte i;
	byte result;
	bit locked;
	bit ok;

	/* khugepaged_collapse(): hugepage_vma_check(), one lockless read of the inode */
	d_step { ok = !(i_writecount > 0) }
	if
	:: !ok -> d_step { ok = 0; put_page(C0); result = SCAN_VMA_CHECK }; goto collapsed_store
	:: else -> ok = 0
	fi;

	/* collapse_file(): xa_lock_irq; __SetPageLocked(new_page); ->index; ->mapping */
	d_step {
		xa_lock == NONE -> xa_lock = TK;
		pg[C0].lock_owner = TK;
		pg[C0].index = 0;
		pg[C0].mapping = MAP
	}
	index = 0;
	do
	:: index < NR ->
		/* xas_next() under xa_lock and the tests up to trylock_page + get_page + xa_unlock */
		d_step {
			page = slot[index];
			locked = 0;
			if
			:: page == NIL -> xa_unlock_irq(TK); result = SCAN_FAIL
			:: page != NIL && PageDirty(page) -> xa_unlock_irq(TK); result = SCAN_FAIL
			:: page != NIL && !PageDirty(page) && pg[HEAD(page)].lock_owner == NONE ->
				HARM_ON(!pg[HEAD(page)].allocated);     /* H_uaf (trylock_page) */
				pg[HEAD(page)].lock_owner = TK;
				get_page(page);
				xa_unlock_irq(TK);
				locked = 1
			:: else -> result = SCAN_PAGE_LOCK      /* xa_lock still held */
			fi
		}
		if
		:: result == SCAN_PAGE_LOCK -> locked = 0; goto xa_locked
		:: result != SCAN_PAGE_LOCK && !locked -> goto xa_unlocked
		:: else -> locked = 0
		fi;
		/* the tests under the page lock */
		d_step {
			if
			:: !PageUptodate(page) -> result = SCAN_FAIL
			:: PageUptodate(page) && PageTransCompound(page) -> result = SCAN_PAGE_COMPOUND
			:: PageUptodate(page) && !PageTransCompound(page) && PAGE_MAPPING(page) != MAP -> result = SCAN_TRUNCATED
			:: PageUptodate(page) && !PageTransCompound(page) && PAGE_MAPPING(page) == MAP && PageDirty(page) -> result = SCAN_FAIL
			:: else -> skip
			fi
		}
		if
		:: result != SCAN_SUCCEED -> goto out_unlock
		:: else -> skip
		fi;
		/* isolate_lru_page() */
		d_step {
			if
			:: pg[page].lru -> pg[page].lru = 0; pg[page].refcount = pg[page].refcount + 1; ok = 1
			:: else -> ok = 0
			fi
		}
		if
		:: !ok -> result = SCAN_DEL_PAGE_LRU; goto out_unlock
		:: else -> ok = 0
		fi;
		d_step {
			xa_lock == NONE -> xa_lock = TK;
			VM_BUG_ON(page != slot[index])          /* A8 */
		}
		/* page_ref_freeze(page, 3) */
		d_step {
			if
			:: pg[page].refcount == 3 -> pg[page].refcount = 0; ok = 1
			:: else -> ok = 0
			fi
		}
		if
		:: !ok ->
			d_step { result = SCAN_PAGE_COUNT; xa_unlock_irq(TK) }
			d_step { pg[page].lru = 1; put_page(page) }     /* putback_lru_page() */
			goto out_unlock
		:: else -> ok = 0
		fi;
		/* list_add_tail(); xas_store(&xas, new_page) */
		d_step {
			pagelist[nr_isolated] = page;
			nr_isolated = nr_isolated + 1;
			xas_store(index, C0);
			page = NIL;
			index++
		}
	:: else -> break
	od;
	index = 0;
	d_step { nr_thps = nr_thps + 1 }            /* filemap_nr_thps_inc() */
	d_step {                                    /* paired with do_dentry_open()'s smp_mb() */
		if
		:: i_writecount > 0 -> result = SCAN_FAIL; nr_thps_dec()
		:: else -> skip
		fi
	}
xa_locked: skip;
	d_step { xa_unlock_irq(TK) }
	goto xa_unlocked;
out_unlock: skip;
	d_step { unlock_page(page) }
	d_step { put_page(page); page = NIL; index = 0 }
xa_unlocked:
	index = 0;
	if
	:: result == SCAN_SUCCEED ->
		i = 0;
		do
		:: i < nr_isolated ->
			d_step {                            /* ->mapping = NULL; page_ref_unfreeze(page, 1) */
				pg[pagelist[i]].mapping = 0;
				page_ref_unfreeze(pagelist[i], 1)
			}
			d_step { unlock_page(pagelist[i]) }
			d_step { put_page(pagelist[i]); pagelist[i] = NIL; i++ }
		:: else -> break
		od;
		i = 0;
		d_step { pg[C0].uptodate = 1 }
		d_step { pg[C0].refcount = pg[C0].refcount + NR - 1 }
		d_step { pg[C0].lru = 1 }
	:: else ->
		/* roll back page cache changes */
		d_step { xa_lock == NONE -> xa_lock = TK }
		i = 0;
		do
		:: i < nr_isolated ->
			d_step {
				page = pagelist[i];
				VM_BUG_ON(pg[page].index != i);     /* A7 (start = 0) */
				page_ref_unfreeze(page, 2)
			}
			d_step { xas_store(pg[page].index, page); xa_unlock_irq(TK) }
			d_step { unlock_page(page) }
			d_step { pg[page].lru = 1; put_page(page) }     /* putback_lru_page() */
			if
			:: i + 1 < nr_isolated -> d_step { xa_lock == NONE -> xa_lock = TK; page = NIL; i++ }
			:: else -> page = NIL; i++
			fi
		:: else -> break
		od;
		if
		:: nr_isolated == 0 -> d_step { xa_unlock_irq(TK) }
		:: else -> skip
		fi;
		d_step {
			i = 0;
			do
			:: i < NR -> pagelist[i] = NIL; i++
			:: else -> break
			od;
			i = 0;
			pg[C0].mapping = 0          /* only after ALL slots are restored */
		}
	fi;
	d_step { unlock_page(C0); nr_isolated = 0 }
	/* khugepaged_prealloc_page(): a failed collapse puts *hpage */
	if
	:: result != SCAN_SUCCEED -> d_step { put_page(C0) }
	:: else -> skip
	fi;
collapsed_store: skip;
	d_step { collapsed = (result == SCAN_SUCCEED); result = 0 }
}

/* ---- the opener: do_dentry_open() for write (F3), truncate_inode_pages_range(M, 0, 8) ------- */
proctype O()
{
	bit ok;
	bit truncate;
	byte pages[NR_SLOTS];                       /* struct pagevec */
	byte pvnr;
	byte indices[NR_SLOTS];
	short index;
	byte i;
	byte nr;
	byte page;
	byte xa_index;
	byte fpage;
	bit thp;
	bit got;
	bit moved;
	byte res;
	byte q;
	byte total;
	bit head_slot;
	bit last;
	byte first;
	bit mine;
	bit isempty;

	d_step {                                    /* get_write_access() */
		if
		:: i_writecount >= 0 -> i_writecount = i_writecount + 1; ok = 1
		:: else -> ok = 0
		fi
	}
	if
	:: !ok -> d_step { opened = 0; ok = 0 }; goto end_open
	:: else -> ok = 0
	fi;
	d_step { truncate = (nr_thps != 0); ghost_writers = ghost_writers + 1 }
	if
	:: !truncate -> goto opened_store
	:: else -> skip
	fi;
	/* F3: filemap_invalidate_lock() */
	d_step { inv_owner == NONE && inv_readers == 0 -> inv_owner = TO; truncate = 0 }

	/* truncate_inode_pages_range(M, 0, NR_SLOTS): mapping_empty() */
	d_step {
		isempty = 1;
		i = 0;
		do
		:: i < NR_SLOTS -> if :: slot[i] != NIL -> isempty = 0 :: else -> skip fi; i++
		:: else -> break
		od;
		i = 0
	}
	if
	:: isempty -> goto truncated
	:: else -> skip
	fi;

	/* pass 1 */
	index = 0;
	do
	:: index < NR_SLOTS ->
		/* find_lock_entries(M, index, NR_SLOTS - 1, &pvec, indices) */
		xa_index = index;
fle_loop:
		find_get_entry(xa_index, NR_SLOTS - 1, fpage, thp);
		if
		:: fpage == NIL -> goto fle_done
		:: else -> skip
		fi;
		d_step {
			res = 0;
			if
			:: pg[fpage].index < index -> res = 1
			:: else ->
				if
				:: pg[fpage].index + THP_NR(fpage) - 1 > NR_SLOTS - 1 -> res = 1
				:: else ->
					if
					:: pg[HEAD(fpage)].lock_owner != NONE -> res = 1       /* trylock_page() failed */
					:: else ->
						HARM_ON(!pg[HEAD(fpage)].allocated);               /* H_uaf */
						pg[HEAD(fpage)].lock_owner = TO;
						if
						:: pg[fpage].mapping != MAP || PageWriteback(fpage) -> res = 2
						:: else ->
							VM_BUG_ON(!THP_CONTAINS(fpage, xa_index));     /* A2 */
							indices[pvnr] = xa_index;
							pages[pvnr] = fpage;
							pvnr = pvnr + 1;
							if
							:: pg[fpage].head -> xa_index = pg[fpage].index + THP_NR(fpage)
							:: else -> xa_index = xa_index + 1
							fi
						fi
					fi
				fi
			fi
		}
		if
		:: res == 0 ->
			fpage = NIL; thp = 0;
			if
			:: pvnr == NR_SLOTS -> goto fle_done
			:: else -> goto fle_loop
			fi
		:: else -> skip
		fi;
		if
		:: res == 2 -> d_step { unlock_page(fpage) }
		:: else -> skip
		fi;
		d_step { put_page(fpage) }
		d_step {                                /* next: reads the page after put_page() */
			if
			:: pg[fpage].head -> xa_index = pg[fpage].index + THP_NR(fpage)
			:: else -> xa_index = xa_index + 1
			fi;
			fpage = NIL; thp = 0; res = 0
		}
		goto fle_loop;
fle_done:
		nr = pvnr; xa_index = 0; fpage = NIL; thp = 0; res = 0;
		if
		:: nr == 0 -> break
		:: else -> skip
		fi;
		/* index = indices[nr - 1] + 1; truncate_cleanup_page() on the batch */
		d_step {
			index = indices[nr - 1] + 1;
			i = 0;
			do
			:: i < nr -> if :: PageDirty(pages[i]) -> pg[HEAD(pages[i])].dirty = 0 :: else -> skip fi; i++
			:: else -> break
			od;
			i = 0
		}
		/* delete_from_page_cache_batch(): xa_lock + unaccount each */
		d_step {
			xa_lock == NONE -> xa_lock = TO;
			i = 0;
			do
			:: i < pvnr -> unaccount_page_cache_page(pages[i]); i++
			:: else -> break
			od;
			i = 0
		}
		/* page_cache_delete_batch() */
		d_step { q = pg[pages[0]].index }
		do
		:: q < NR_SLOTS && i < pvnr ->
			d_step {
				do
				:: q < NR_SLOTS && (slot[q] == NIL || slot[q] != pages[i]) ->
					if
					:: slot[q] != NIL -> VM_BUG_ON(pg[slot[q]].index > pg[pages[i]].index)   /* A6 */
					:: else -> skip
					fi;
					q++
				:: else -> break
				od;
				page = NIL;
				if
				:: q < NR_SLOTS ->
					page = slot[q];
					WARN_ON(!PageLocked(page));     /* A6w */
					head_slot = (pg[page].index == q);
					last = (pg[page].index + THP_NR(page) - 1 == q);
					if
					:: head_slot -> pg[page].mapping = 0
					:: else -> xas_store(q, NIL)
					fi
				:: else -> skip
				fi
			}
			if
			:: page == NIL -> break
			:: else -> skip
			fi;
			if
			:: head_slot -> d_step { xas_store(q, NIL) }
			:: else -> skip
			fi;
			d_step {
				if :: last -> i++ :: else -> skip fi;
				total++; q++; page = NIL; head_slot = 0; last = 0
			}
		:: else -> break
		od;
		skip;
		d_step { nrpages = nrpages - total; xa_unlock_irq(TO); q = 0; total = 0; i = 0; page = NIL; head_slot = 0; last = 0 }
		i = 0;
		do
		:: i < pvnr -> d_step { page_cache_free_page(pages[i]); i++ }
		:: else -> break
		od;
		skip;
		d_step {                                /* unlock_page() on the batch */
			i = 0;
			do
			:: i < nr -> unlock_page(pages[i]); i++
			:: else -> break
			od;
			i = 0
		}
		d_step {                                /* pagevec_release() */
			i = 0;
			do
			:: i < pvnr -> put_page(pages[i]); i++
			:: else -> break
			od;
			i = 0;
			do
			:: i < NR_SLOTS -> pages[i] = NIL; indices[i] = 0; i++
			:: else -> break
			od;
			i = 0; pvnr = 0; nr = 0
		}
	:: else -> break
	od;

	/* pass 2 */
	index = 0;
	do
	:: true ->
		/* find_get_entries(M, index, NR_SLOTS - 1, &pvec, indices) */
		xa_index = index; nr = NR_SLOTS;
fge2_loop:
		find_get_entry(xa_index, NR_SLOTS - 1, fpage, thp);
		if
		:: fpage == NIL -> goto fge2_done
		:: else -> skip
		fi;
		if
		:: thp -> fpage = fpage + (xa_index & (NR - 1)); nr = pvnr + 1   /* find_subpage() */
		:: else -> skip
		fi;
		indices[pvnr] = xa_index;
		pages[pvnr] = fpage;
		pvnr = pvnr + 1;
		fpage = NIL; thp = 0;
		if
		:: pvnr == nr -> goto fge2_done
		:: else -> xa_index = xa_index + 1; goto fge2_loop
		fi;
fge2_done:
		nr = pvnr; xa_index = 0; fpage = NIL; thp = 0;
		if
		:: nr == 0 && index == 0 -> break
		:: nr == 0 && index != 0 -> index = 0
		:: else ->
			i = 0;
			do
			:: i < nr ->
				page = pages[i]; index = indices[i];
				d_step {                        /* lock_page(); A4 */
					pg[HEAD(page)].lock_owner == NONE ->
					HARM_ON(!pg[HEAD(page)].allocated);     /* H_uaf */
					pg[HEAD(page)].lock_owner = TO;
					WARN_ON(PAGE_TO_INDEX(page) != index)   /* A4 */
				}
				d_step { !PageWriteback(page) -> skip }     /* wait_on_page_writeback() */
				/* truncate_inode_page(M, page) */
				d_step {
					mine = (pg[page].mapping == MAP);
					if :: PageTail(page) -> ghost_tail_truncate = 1 :: else -> skip fi;
					VM_BUG_ON(PageTail(page));      /* A3 */
					if
					:: mine && PageDirty(page) -> pg[HEAD(page)].dirty = 0
					:: else -> skip
					fi
				}
				if
				:: !mine -> goto tip_done      /* -EIO */
				:: else -> skip
				fi;
				/* delete_from_page_cache(M, page) */
				d_step {
					xa_lock == NONE ->
					BUG_ON(!PageLocked(page));      /* B_delete */
					xa_lock = TO;
					unaccount_page_cache_page(page)
				}
				/* page_cache_delete(): one store per slot, ascending */
				d_step {
					nr = THP_NR(page);
					first = pg[page].index;
					VM_BUG_ON(!PageLocked(page));   /* A5l */
					VM_BUG_ON(PageTail(page));      /* A5t */
					xas_store(first, NIL);
					q = 1
				}
				do
				:: q < nr -> d_step { xas_store(first + q, NIL); q++ }
				:: else -> break
				od;
				skip;
				d_step { pg[page].mapping = 0; nrpages = nrpages - nr; xa_unlock_irq(TO); q = 0; first = 0; nr = pvnr }
				d_step { page_cache_free_page(page) }
tip_done: skip;
				d_step { unlock_page(page); page = NIL; mine = 0; i++ }
			:: else -> break
			od;
			skip;
			d_step {                            /* pagevec_release() */
				i = 0;
				do
				:: i < pvnr -> put_page(pages[i]); i++
				:: else -> break
				od;
				i = 0;
				do
				:: i < NR_SLOTS -> pages[i] = NIL; indices[i] = 0; i++
				:: else -> break
				od;
				i = 0; pvnr = 0; nr = 0; page = NIL;
				index = index + 1
			}
		fi
	od;
truncated: skip;
	d_step { inv_owner = NONE; index = 0; isempty = 0 }      /* filemap_invalidate_unlock() */
opened_store: skip;
	d_step { opened = 1 }
end_open:
	skip
}

/* ---- the scenario: init, threads, and the `final` checks at quiescence ----------------------- */
#define QS_USED(i)     (slot[i] != NIL -> 1 : 0)
#define QS_THP(i)      ((slot[i] != NIL && pg[slot[i]].head && pg[slot[i]].index == i) -> 1 : 0)
#define QS_COMPOUND(i) ((slot[i] != NIL && pg[slot[i]].head) -> 1 : 0)
#define NR_USED  (QS_USED(0) + QS_USED(1) + QS_USED(2) + QS_USED(3) + QS_USED(4) + QS_USED(5) + QS_USED(6) + QS_USED(7))
#define NR_THPS  (QS_THP(0) + QS_THP(1) + QS_THP(2) + QS_THP(3) + QS_THP(4) + QS_THP(5) + QS_THP(6) + QS_THP(7))
#define NR_COMPOUND (QS_COMPOUND(0) + QS_COMPOUND(1) + QS_COMPOUND(2) + QS_COMPOUND(3) + QS_COMPOUND(4) + QS_COMPOUND(5) + QS_COMPOUND(6) + QS_COMPOUND(7))
#define QUIESCENT_OK(p) (pg[p].first_page != NIL || \
	(pg[p].allocated -> (pg[p].lock_owner == NONE && pg[p].refcount == pg[p].ghost_slots && pg[p].ghost_slots > 0) \
	                  : (pg[p].refcount == 0 && pg[p].ghost_slots == 0)))

inline init_cache_page(p, ix) {
	pg[p].allocated = 1; pg[p].refcount = 1; pg[p].uptodate = 1; pg[p].lru = 1;
	pg[p].mapping = MAP; pg[p].index = ix;
	xas_store(ix, p);
	nrpages = nrpages + 1
}
inline init_compound_page(h) {
	pg[h].allocated = 1; pg[h].head = 1; pg[h].refcount = 1;
	pg[h + 1].first_page = h; pg[h + 1].allocated = 1;
	pg[h + 2].first_page = h; pg[h + 2].allocated = 1;
	pg[h + 3].first_page = h; pg[h + 3].allocated = 1
}

init {
	d_step {
		init_cache_page(s0, 0);
		init_cache_page(s0 + 1, 1);
		init_cache_page(s0 + 2, 2);
		init_cache_page(s0 + 3, 3);
		/* init_cache_thp(M, D0, 4) */
		init_compound_page(D0);
		pg[D0].refcount = NR; pg[D0].uptodate = 1; pg[D0].lru = 1; pg[D0].mapping = MAP; pg[D0].index = 4;
		xas_store(4, D0); xas_store(5, D0); xas_store(6, D0); xas_store(7, D0);
		nrpages = nrpages + NR;
		nr_thps = nr_thps + 1;
		init_compound_page(C0)              /* khugepaged's *hpage */
	}
	atomic { run K(); run O() }
	(_nr_pr == 1) ->
	d_step {
		assert(opened);                                     /* open_ok */
		assert(nrpages == NR_USED);                         /* H_nrpages */
		assert(nr_thps == NR_THPS);                         /* H_nr_thps */
		assert(ghost_writers == 0 || NR_COMPOUND == 0);     /* H_thp_left */
		assert(QUIESCENT_OK(s0) && QUIESCENT_OK(s0 + 1) && QUIESCENT_OK(s0 + 2) &&
		       QUIESCENT_OK(s0 + 3) && QUIESCENT_OK(C0) && QUIESCENT_OK(D0) &&
		       xa_lock == NONE)                             /* H_leak */
	}
}
