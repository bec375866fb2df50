/* spinlock_t for the kernel's litmus tests here (an include, not a scenario): the lock word is
 * the owner (NO_THREAD when free). spin_lock() follows include/asm-generic/qspinlock.h
 * queued_spin_lock(): a compare-and-exchange of the lock word with ACQUIRE ordering
 * (atomic_try_cmpxchg_acquire), here an `atomic acquire` block that waits for the lock to be
 * free. spin_unlock() follows queued_spin_unlock(): smp_store_release(&lock->locked, 0).
 * spin_is_locked() follows queued_spin_is_locked(): atomic_read() of the lock word. What each
 * does under tso and pso: docs/memory-models.md. */
void spin_lock(thread_t *lock)
{
	atomic acquire {
		await(*lock == NO_THREAD);
		*lock = current;
	}
}

void spin_unlock(thread_t *lock)
{
	smp_store_release(lock, NO_THREAD);
}

int[0..1] spin_is_locked(thread_t *lock)
{
	int[0..1] held = 0;

	if (READ_ONCE(*lock) != NO_THREAD)
		held = 1;
	return held;
}
