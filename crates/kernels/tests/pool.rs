//! The fork-join pool driven by std threads (the wasm build drives it with JS workers):
//! every task runs exactly once, nested jobs run serially, tasks that allocate do not
//! corrupt each other, and a GEMM split over 2–4 threads is bit-identical to the serial
//! run for shapes that cross every block and tile edge. One test function, because the
//! pool is process-global state.

mod common;

use common::Rng;
use std::sync::atomic::{AtomicU32, Ordering};
use std::thread;
use tensorlane_kernels::testing::gemm::{gemm_with, GemmArgs, Kernel};
use tensorlane_kernels::testing::pool;

struct Problem {
    batch: usize,
    m: usize,
    n: usize,
    k: usize,
    transposed_a: bool,
    /// B stored (n, k) and read transposed, as `linear` passes its weight.
    transposed_b: bool,
    beta: f32,
}

fn run_gemm(p: &Problem, kernel: Kernel, a: &[f32], b: &[f32], c0: &[f32]) -> Vec<f32> {
    let mut c = c0.to_vec();
    let (rsa, csa) = if p.transposed_a {
        (1, p.m as isize)
    } else {
        (p.k as isize, 1)
    };
    let (rsb, csb) = if p.transposed_b {
        (1, p.k as isize)
    } else {
        (p.n as isize, 1)
    };
    let args = GemmArgs {
        batch: p.batch,
        m: p.m,
        n: p.n,
        k: p.k,
        alpha: 0.75,
        beta: p.beta,
        a: a.as_ptr(),
        rsa,
        csa,
        bsa: (p.m * p.k) as isize,
        b: b.as_ptr(),
        rsb,
        csb,
        bsb: (p.k * p.n) as isize,
        c: c.as_mut_ptr(),
        rsc: p.n as isize,
        csc: 1,
        bsc: (p.m * p.n) as isize,
    };
    // SAFETY: the buffers hold batch × (m·k, k·n, m·n) floats with these strides.
    unsafe { gemm_with(kernel, &args) };
    c
}

fn start_workers(count: usize) -> Vec<thread::JoinHandle<()>> {
    (0..count)
        .map(|_| thread::spawn(pool::worker_loop))
        .collect()
}

#[test]
fn pool_runs_every_task_once_and_gemm_is_bit_identical_to_serial() {
    for workers in [1usize, 3] {
        let handles = start_workers(workers);
        pool::set_threads(workers + 1, true);

        // Every task exactly once, over many jobs in a row (workers join late or not at all).
        for tasks in [0usize, 1, 2, 3, 7, 64, 1000] {
            let before = pool::stats();
            let hits: Vec<AtomicU32> = (0..tasks).map(|_| AtomicU32::new(0)).collect();
            pool::parallel_for(tasks, |t| {
                hits[t].fetch_add(1, Ordering::SeqCst);
                // A nested job runs serially on whichever thread reached it.
                let inner = AtomicU32::new(0);
                pool::parallel_for(3, |_| {
                    inner.fetch_add(1, Ordering::SeqCst);
                });
                assert_eq!(inner.load(Ordering::SeqCst), 3);
            });
            assert!(
                hits.iter().all(|h| h.load(Ordering::SeqCst) == 1),
                "{tasks} tasks"
            );
            // The counters: one split job (a single task runs serially and its nested job
            // of 3 splits; nested jobs inside a split one run serially), and every task of
            // it counted once, by the caller or a worker, before the job returned.
            let after = pool::stats();
            let delta = |s: pool::Stat| after[s as usize] - before[s as usize];
            let (jobs, split_tasks) = match tasks {
                0 => (0, 0),
                1 => (1, 3),
                n => (1, n as u64),
            };
            assert_eq!(delta(pool::Stat::Jobs), jobs, "{tasks} tasks");
            let counted = delta(pool::Stat::CallerTasks) + delta(pool::Stat::WorkerTasks);
            assert_eq!(counted, split_tasks, "{tasks} tasks");
        }

        // Tasks that allocate and fill their own buffers never see each other's bytes.
        let sums: Vec<AtomicU32> = (0..256).map(|_| AtomicU32::new(0)).collect();
        pool::parallel_for(256, |t| {
            let v: Vec<u32> = (0..1000 + t).map(|i| (i * t) as u32).collect();
            let boxed = vec![t as u8; 4096 + t];
            assert!(boxed.iter().all(|&x| x == t as u8));
            sums[t].store(
                v.iter().fold(0u32, |s, &x| s.wrapping_add(x)),
                Ordering::SeqCst,
            );
        });
        for (t, s) in sums.iter().enumerate() {
            let want = (0..1000 + t).fold(0u32, |acc, i| acc.wrapping_add((i * t) as u32));
            assert_eq!(s.load(Ordering::SeqCst), want);
        }

        // GEMM: big enough to be split; K > 256 crosses a depth block (beta = 1 stores).
        // The skinny paths too: tall with few columns, and a few rows with B in either
        // layout, large enough to be split.
        let problems = [
            (1, 129, 300, 257, false, false, 0.0),
            (1, 64, 1030, 70, true, false, 0.5),
            (3, 100, 77, 300, false, false, 0.0),
            (2, 257, 129, 65, true, false, 1.0),
            (12, 96, 96, 96, false, false, 0.0),
            (1, 4100, 10, 130, false, false, 0.0),
            (1, 3001, 16, 100, false, true, 1.0),
            (1, 1, 2311, 769, false, true, 0.0),
            (1, 3, 1501, 700, true, false, 0.5),
            (1, 16, 999, 130, false, true, 0.0),
            (2, 5, 700, 300, false, false, 0.0),
            // 49 rows split 36 + 13: the 13-row block must keep the matrix's packed B and
            // depth blocks (a block of ≤ 16 rows once read B in place, 1024 deep).
            (1, 49, 40, 2200, false, false, 0.0),
            // Tall with a row-major A, split by tiles: rows past the last whole tile, beta
            // ≠ 0 with whole vectors (8, 12 columns), and two depth blocks.
            (1, 4103, 8, 130, false, false, 0.5),
            (1, 2051, 12, 1100, false, false, 1.0),
            (2, 1001, 5, 900, false, true, 0.0),
        ];
        let mut rng = Rng::new(7);
        for (batch, m, n, k, transposed_a, transposed_b, beta) in problems {
            let p = Problem {
                batch,
                m,
                n,
                k,
                transposed_a,
                transposed_b,
                beta,
            };
            let a = rng.signed_vec(batch * m * k);
            let b = rng.signed_vec(batch * k * n);
            let c0 = rng.signed_vec(batch * m * n);
            for kernel in [Kernel::F32Gemm4x8, Kernel::F32Gemm6x8, Kernel::F32Gemm4x16] {
                let threaded = run_gemm(&p, kernel, &a, &b, &c0);
                pool::set_threads(1, true);
                let serial = run_gemm(&p, kernel, &a, &b, &c0);
                pool::set_threads(workers + 1, true);
                let same = threaded
                    .iter()
                    .zip(&serial)
                    .all(|(x, y)| x.to_bits() == y.to_bits());
                assert!(same, "{batch}×{m}×{n}×{k} {kernel:?} differs from serial");
            }
        }

        // Only products large enough to share open a job: a batch of small items stays on
        // the caller (no worker is woken), on the blocked and the skinny paths alike.
        let sizes = [
            (4, 16, 16, 16, false),
            (64, 8, 8, 8, false),
            (8, 2, 24, 24, false),
            (3, 40, 12, 50, false),
            (2, 120, 130, 140, true),
            (12, 96, 96, 96, true),
            (2, 5, 700, 300, true),
        ];
        for (batch, m, n, k, pooled) in sizes {
            let p = Problem {
                batch,
                m,
                n,
                k,
                transposed_a: false,
                transposed_b: false,
                beta: 0.0,
            };
            let a = rng.signed_vec(batch * m * k);
            let b = rng.signed_vec(batch * k * n);
            let c0 = rng.signed_vec(batch * m * n);
            let before = pool::stats()[pool::Stat::Jobs as usize];
            run_gemm(&p, Kernel::F32Gemm4x8, &a, &b, &c0);
            let jobs = pool::stats()[pool::Stat::Jobs as usize] - before;
            assert_eq!(jobs, pooled as u64, "{batch}×{m}×{n}×{k}: jobs opened");
        }

        pool::shutdown();
        for h in handles {
            h.join().unwrap();
        }
    }
    a_dying_worker_fails_the_call_instead_of_hanging();
}

/// A worker that dies mid-task (a trap in wasm, where the pool's JS then calls
/// `worker_failed`; a panic here) makes the waiting caller fail rather than wait forever,
/// and the pool runs every later job serially. Last, because a failed pool stays failed.
fn a_dying_worker_fails_the_call_instead_of_hanging() {
    pool::set_threads(2, true); // before the worker starts: it clears the earlier shutdown
    let dying = thread::spawn(|| {
        if std::panic::catch_unwind(pool::worker_loop).is_err() {
            pool::worker_failed();
        }
    });
    // A worker joins only jobs opened after it parked: give it time to park.
    thread::sleep(std::time::Duration::from_millis(100));
    let caller = thread::current().id();
    let outcome = std::panic::catch_unwind(|| {
        pool::parallel_for(64, |t| {
            if thread::current().id() != caller {
                panic!("this worker dies");
            }
            // Keep the caller in its first task until the worker has taken one and died.
            let start = std::time::Instant::now();
            while t == 0 && !pool::failed() && start.elapsed().as_secs() < 10 {
                thread::yield_now();
            }
        })
    });
    assert!(pool::failed(), "the worker never took a task");
    let message = outcome.expect_err("the call must fail, not return as if complete");
    let text = message.downcast_ref::<&str>().copied().unwrap_or_default();
    assert!(text.contains("worker thread died"), "{text}");
    dying.join().unwrap();
    // Serial from now on, whatever is asked.
    pool::set_threads(4, true);
    assert_eq!(pool::threads(), 1);
    let hits: Vec<AtomicU32> = (0..10).map(|_| AtomicU32::new(0)).collect();
    pool::parallel_for(10, |t| {
        assert_eq!(thread::current().id(), caller);
        hits[t].fetch_add(1, Ordering::SeqCst);
    });
    assert!(hits.iter().all(|h| h.load(Ordering::SeqCst) == 1));
}

#[test]
fn chunks_cover_the_range_on_aligned_starts() {
    for len in [0usize, 1, 11, 12, 13, 100, 1031] {
        for parts in 1..6 {
            let ranges: Vec<_> = (0..parts).map(|i| pool::chunk(len, parts, 12, i)).collect();
            let mut next = 0;
            for r in &ranges {
                assert!(
                    r.start == next || r.is_empty(),
                    "{len} in {parts}: {ranges:?}"
                );
                assert!(r.start % 12 == 0 || r.start == len);
                next = r.end.max(next);
            }
            assert_eq!(next, len);
        }
    }
}
