//! Fork-join over the worker threads that share this module's memory (the threaded builds,
//! `relaxed-threads` and `simd128-threads`). The calling thread opens a job (`parallel_for`),
//! every participant grabs task indices from one atomic counter until none are left, and the
//! caller returns only when every task has finished and no worker still looks at the job.
//! Task `t` always does the same work whoever runs it, so results never depend on the number
//! of threads.
//!
//! Workers are plain JS workers parked in `worker_loop` (`memory.atomic.wait32`); the TS
//! pool starts them and calls `set_threads`. In builds without atomics `threads()` stays 1
//! and `parallel_for` is a serial loop. Native tests drive the same protocol with std
//! threads (waiting there is a yielding spin).

use core::cell::Cell;
use core::sync::atomic::{
    AtomicBool, AtomicU32, AtomicU64, AtomicUsize, Ordering::Relaxed, Ordering::SeqCst,
};

/// Participants (the caller plus started workers) the work is split for.
static THREADS: AtomicU32 = AtomicU32::new(1);
/// Bumped when a job opens; workers sleep on it.
static GENERATION: AtomicU32 = AtomicU32::new(0);
/// The generation of the job that may be joined, or 0 when none is open.
static OPEN: AtomicU32 = AtomicU32::new(0);
/// Address of the open `Job` (on the caller's stack, which lives in shared memory).
static JOB: AtomicUsize = AtomicUsize::new(0);
/// Workers currently between "looked at OPEN" and "done with the job".
static ACTIVE: AtomicU32 = AtomicU32::new(0);
static SHUTDOWN: AtomicBool = AtomicBool::new(false);
/// Set while a job runs: a nested `parallel_for` (attention calling gemm) runs serially.
static BUSY: AtomicBool = AtomicBool::new(false);
/// Whether the caller may block in `memory.atomic.wait32` (not on a browser main thread).
static CALLER_MAY_BLOCK: AtomicBool = AtomicBool::new(false);
/// Set when a worker died (its JS caught a trap out of `worker_loop`): a task it had taken
/// will never finish, so the caller must not wait for it.
static FAILED: AtomicBool = AtomicBool::new(false);
/// How often a blocked caller wakes to look at `FAILED`.
const CALLER_POLL_NS: i64 = 100_000_000;

/// What the pool has done since the module started, for benchmarks (`bench_pool_stats`):
/// how the tasks fell between the caller and the workers, and how long threads spun idle.
/// Each thread adds its counts once per job, never from inside a spin.
static STATS: [AtomicU64; STAT_COUNT] = [const { AtomicU64::new(0) }; STAT_COUNT];

/// Indices into `STATS`.
#[derive(Clone, Copy)]
pub enum Stat {
    /// Split jobs opened (`parallel_for` calls that used the pool).
    Jobs = 0,
    /// Tasks of those jobs the caller ran itself.
    CallerTasks = 1,
    /// Tasks workers ran.
    WorkerTasks = 2,
    /// Polls the caller made after its last task while workers finished theirs.
    CallerWaitSpins = 3,
    /// Polls workers made between jobs before a job came or they parked.
    WorkerIdleSpins = 4,
    /// Times a worker parked (`memory.atomic.wait32`) for want of a job.
    WorkerParks = 5,
    /// Jobs a worker joined after the caller had already taken every task.
    WorkerLateJoins = 6,
}
pub const STAT_COUNT: usize = 7;

fn add_stat(stat: Stat, n: u64) {
    if n != 0 {
        STATS[stat as usize].fetch_add(n, Relaxed);
    }
}

/// The counters of `Stat`, in its order.
pub fn stats() -> [u64; STAT_COUNT] {
    core::array::from_fn(|i| STATS[i].load(Relaxed))
}

/// Polls `n` times the way waiting threads do (for timing one poll); returns what it saw.
pub fn spin_polls(n: u32) -> u32 {
    let mut seen = 0;
    for _ in 0..n {
        seen ^= GENERATION.load(SeqCst);
        core::hint::spin_loop();
    }
    seen
}

thread_local! {
    /// Whether this worker is counted in `ACTIVE` (read by `worker_failed` after a trap).
    static IN_JOB: Cell<bool> = const { Cell::new(false) };
}

struct Job<'a> {
    tasks: u32,
    next: AtomicU32,
    done: AtomicU32,
    run: &'a (dyn Fn(usize) + Sync),
}

/// How many threads work is split for (1 without a started pool).
pub fn threads() -> usize {
    THREADS.load(SeqCst) as usize
}

/// How many tasks workers have run so far (proof that they help).
pub fn worker_tasks() -> u32 {
    STATS[Stat::WorkerTasks as usize].load(Relaxed) as u32
}

/// Sets the number of participants (caller included) and whether the caller may block.
pub fn set_threads(n: usize, caller_may_block: bool) {
    if FAILED.load(SeqCst) {
        return; // a broken pool stays serial
    }
    THREADS.store(n.max(1) as u32, SeqCst);
    CALLER_MAY_BLOCK.store(caller_may_block, SeqCst);
    SHUTDOWN.store(false, SeqCst);
}

/// Wakes every parked worker and makes `worker_loop` return; later jobs run serially.
pub fn shutdown() {
    THREADS.store(1, SeqCst);
    SHUTDOWN.store(true, SeqCst);
    GENERATION.fetch_add(1, SeqCst);
    notify_all(&GENERATION);
}

/// Runs `f(0..tasks)`, split over the pool when it has more than one thread. Returns when
/// every call has returned. Serial when the pool is idle-less (nested) or single-threaded.
pub fn parallel_for(tasks: usize, f: impl Fn(usize) + Sync) {
    if tasks <= 1 || threads() <= 1 || BUSY.swap(true, SeqCst) {
        (0..tasks).for_each(f);
        return;
    }
    let job = Job {
        tasks: tasks as u32,
        next: AtomicU32::new(0),
        done: AtomicU32::new(0),
        run: &f,
    };
    JOB.store(&job as *const Job as usize, SeqCst);
    let generation = next_generation();
    OPEN.store(generation, SeqCst);
    GENERATION.store(generation, SeqCst);
    notify_all(&GENERATION);
    add_stat(Stat::Jobs, 1);
    add_stat(Stat::CallerTasks, work_on(&job));
    let may_block = CALLER_MAY_BLOCK.load(SeqCst);
    let mut abandoned = false;
    let mut spins = 0;
    loop {
        let done = job.done.load(SeqCst);
        if done >= job.tasks {
            break;
        }
        if FAILED.load(SeqCst) {
            abandoned = true;
            break;
        }
        // The last tasks usually finish within microseconds: a park would add its wake-up.
        if may_block && spins >= SPINS_BEFORE_PARK {
            wait_for(&job.done, done, CALLER_POLL_NS);
        } else {
            // Saturating: a browser main thread (never parks) may spin here for seconds.
            spins = spins.saturating_add(1);
            core::hint::spin_loop();
        }
    }
    add_stat(Stat::CallerWaitSpins, spins as u64);
    close_job();
    if abandoned {
        // The output is incomplete; later calls run serially (THREADS is 1 now).
        panic!("a worker thread died while running a task of this call");
    }
}

/// `parallel_for` when `pooled`, else the same tasks in order on the calling thread (the
/// same results either way). Callers pass whether the work pays for a fork-join: for a
/// small op, waking the workers and their idle spin after the job (on the vCPU the caller
/// or another process needs) cost more than the share of the work they take.
pub fn parallel_for_if(pooled: bool, tasks: usize, f: impl Fn(usize) + Sync) {
    if pooled {
        parallel_for(tasks, f);
    } else {
        (0..tasks).for_each(f);
    }
}

/// Records that the calling worker died: JS calls this after `worker_loop` threw (a
/// trap). The pool turns serial for good, and a caller waiting for the job the worker was
/// in stops waiting (and traps) instead of hanging.
pub fn worker_failed() {
    THREADS.store(1, SeqCst);
    FAILED.store(true, SeqCst);
    if IN_JOB.replace(false) {
        ACTIVE.fetch_sub(1, SeqCst);
    }
}

/// Closes the job a caller left open when it trapped inside `parallel_for` (its own task
/// trapped, or an allocation failed): no task starts any more, and this returns once no
/// worker is in the job. Called through `tl_recover` before JS resets the stack pointer,
/// so the trapped caller's frame, which holds the job, is still intact while workers
/// finish the tasks they had taken. A no-op when no job is open.
pub fn recover_after_trap() {
    if !BUSY.load(SeqCst) {
        return;
    }
    let job = JOB.load(SeqCst) as *const Job;
    if !job.is_null() {
        // SAFETY: see above; the job's frame is intact until the stack pointer is reset.
        let job = unsafe { &*job };
        job.next.store(job.tasks, SeqCst);
    }
    close_job();
}

/// Ends the open job: no worker joins it any more, and this returns once none is in it,
/// so the job's frame may go; the pool then takes the next `parallel_for`.
fn close_job() {
    OPEN.store(0, SeqCst);
    // A worker that saw the job open may still be about to read it: wait until it leaves.
    while ACTIVE.load(SeqCst) != 0 {
        core::hint::spin_loop();
    }
    JOB.store(0, SeqCst);
    BUSY.store(false, SeqCst);
}

/// Whether a worker has died (the pool then runs every job on the caller).
pub fn failed() -> bool {
    FAILED.load(SeqCst)
}

fn next_generation() -> u32 {
    let mut g = GENERATION.load(SeqCst).wrapping_add(1);
    if g == 0 {
        g = 1; // 0 means "no job open"
    }
    g
}

/// Runs tasks of `job` until none is left; returns how many this thread ran.
fn work_on(job: &Job) -> u64 {
    let mut ran = 0;
    loop {
        let t = job.next.fetch_add(1, SeqCst);
        if t >= job.tasks {
            return ran;
        }
        ran += 1;
        (job.run)(t as usize);
        if job.done.fetch_add(1, SeqCst) + 1 == job.tasks {
            notify_all(&job.done);
        }
    }
}

/// A worker's whole life: sleep until a job opens, help with it, repeat until `shutdown`.
pub fn worker_loop() {
    let mut seen = GENERATION.load(SeqCst);
    // Past the spin budget: a new worker parks at once (and counts no park).
    let mut spins = SPINS_BEFORE_PARK + 1;
    loop {
        let now = GENERATION.load(SeqCst);
        if SHUTDOWN.load(SeqCst) {
            return;
        }
        if now == seen {
            if spins < SPINS_BEFORE_PARK {
                // Ops often come back to back, and waking from a park (slowest on a VM's
                // idle vCPU) takes longer than a small op's whole share.
                spins += 1;
                core::hint::spin_loop();
            } else {
                if spins == SPINS_BEFORE_PARK {
                    add_stat(Stat::WorkerIdleSpins, spins as u64);
                    add_stat(Stat::WorkerParks, 1);
                    spins += 1; // counted once per park, not once per timed-out wait
                }
                // Timed, so a runtime tearing the worker down (Node at process exit) gets
                // control back between waits; an infinite wait cannot be interrupted there.
                wait_for(&GENERATION, seen, PARK_TIMEOUT_NS);
            }
            continue;
        }
        if spins < SPINS_BEFORE_PARK {
            add_stat(Stat::WorkerIdleSpins, spins as u64);
        }
        seen = now;
        spins = 0;
        ACTIVE.fetch_add(1, SeqCst);
        IN_JOB.set(true);
        if OPEN.load(SeqCst) == seen {
            // SAFETY: the job stays alive while OPEN names it and ACTIVE counts us.
            let job = unsafe { &*(JOB.load(SeqCst) as *const Job) };
            let ran = work_on(job);
            add_stat(Stat::WorkerTasks, ran);
            add_stat(Stat::WorkerLateJoins, (ran == 0) as u64);
        }
        IN_JOB.set(false);
        ACTIVE.fetch_sub(1, SeqCst);
    }
}

/// Polls a thread makes before it parks (well under a millisecond in all; one poll is a
/// load and a branch): a worker after a job, the caller while the last tasks finish.
const SPINS_BEFORE_PARK: u32 = 100_000;

/// How long a parked worker sleeps before it looks again (and can be torn down).
const PARK_TIMEOUT_NS: i64 = 50_000_000;

#[cfg(all(target_arch = "wasm32", target_feature = "atomics"))]
fn wait_for(word: &AtomicU32, expected: u32, timeout_ns: i64) {
    // SAFETY: the pointer is to a live, aligned atomic in linear memory.
    unsafe {
        core::arch::wasm32::memory_atomic_wait32(
            word.as_ptr() as *mut i32,
            expected as i32,
            timeout_ns,
        );
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "atomics"))]
fn notify_all(word: &AtomicU32) {
    // SAFETY: as for `wait`.
    unsafe {
        core::arch::wasm32::memory_atomic_notify(word.as_ptr() as *mut i32, u32::MAX);
    }
}

#[cfg(not(all(target_arch = "wasm32", target_feature = "atomics")))]
fn wait_for(word: &AtomicU32, expected: u32, _timeout_ns: i64) {
    // Native tests (std threads) and single-threaded wasm builds, where this never parks.
    if word.load(SeqCst) == expected {
        std::thread::yield_now();
    }
}

#[cfg(not(all(target_arch = "wasm32", target_feature = "atomics")))]
fn notify_all(_word: &AtomicU32) {}

/// Splits `0..len` into `parts` contiguous ranges whose starts are multiples of `align`.
pub fn chunk(len: usize, parts: usize, align: usize, index: usize) -> core::ops::Range<usize> {
    let per = len.div_ceil(parts.max(1)).div_ceil(align) * align;
    let start = (index * per).min(len);
    start..(start + per).min(len)
}
