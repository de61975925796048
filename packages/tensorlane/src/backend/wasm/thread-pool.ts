/**
 * The worker pool of the threaded builds (`relaxed-threads`, `simd128-threads`). Every worker instantiates the same
 * compiled module over the same shared memory, with its own stack and TLS block
 * (allocated here from the main instance), then parks in `tl_worker_loop`. The kernels'
 * fork-join (`crates/kernels/src/pool.rs`) hands out tasks through atomics in that memory,
 * so ops stay synchronous and a worker that has not started yet simply takes no tasks.
 *
 * Node, Deno and Bun use `node:worker_threads` with the worker's source inline (unref'd, so a
 * script exits by itself); browsers use Web Workers from a Blob URL. Either way no worker
 * file has to be found next to a bundle. `shutdown()` ends the workers explicitly.
 */
import type { ThreadedKernelExports } from './abi.js';
import { nodeBuiltin } from './node-builtins.js';

/** Bytes of each worker's shadow stack (the kernels keep little on it). */
const WORKER_STACK_BYTES = 512 * 1024;

export interface ThreadPool {
  /** Participants, the calling thread included. */
  readonly threads: number;
  /** Resolves when every worker is parked or has failed (which costs only speed), or after 5 s. */
  readonly ready: Promise<void>;
  /** Ends the workers; later ops run on the calling thread. */
  shutdown(): void;
}

interface WorkerStart {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  stackTop: number;
  tls: number;
}

/** The body every worker runs; stringified, so it must not refer to anything outside. */
function workerBody(d: WorkerStart, reply: (message: unknown) => void): void {
  let exports: any;
  try {
    exports = new WebAssembly.Instance(d.module, { env: { memory: d.memory } }).exports;
    exports.__stack_pointer.value = d.stackTop;
    exports.__wasm_init_tls(d.tls);
  } catch (error) {
    reply({ error: String(error) });
    return;
  }
  reply({ ready: true });
  try {
    exports.tl_worker_loop();
  } catch (error) {
    // A trap mid-task: tell the kernels (the waiting caller then fails instead of hanging,
    // and later ops run on one thread) and the main thread (which logs it when it can).
    exports.tl_worker_failed();
    reply({ crashed: String(error) });
  }
}

const NODE_WORKER_SOURCE = `const { parentPort } = require('node:worker_threads');
parentPort.once('message', (d) => (${workerBody})(d, (m) => parentPort.postMessage(m)));`;

const WEB_WORKER_SOURCE = `self.onmessage = (e) => {
  self.onmessage = null;
  (${workerBody})(e.data, (m) => self.postMessage(m));
  self.close();
};`;

interface Handle {
  post(message: WorkerStart): void;
  onReply(fn: (message: any) => void): void;
  /** Lets the process exit while the worker lives (where the runtime supports it). */
  unref(): void;
  /** Ends a worker that never started (a no-op for `node:worker_threads`; see `spawn`). */
  terminate(): void;
}

/** `node:worker_threads` where the runtime has it (Node, and Deno and Bun through their Node APIs). */
function nodeWorkerThreads(): any {
  return nodeBuiltin('node:worker_threads');
}

function spawn(): Handle {
  const threads = nodeWorkerThreads();
  if (threads) {
    const w = new threads.Worker(NODE_WORKER_SOURCE, { eval: true });
    return {
      post: (m) => w.postMessage(m),
      onReply: (fn) => {
        w.on('message', fn);
        w.on('error', (e: unknown) => fn({ error: String(e) }));
      },
      // Only after the reply: until then `await init()` may be all that keeps Node alive.
      unref: () => w.unref(),
      // Never: terminating a Node worker while it runs wasm can leave it spinning forever in
      // its teardown (nodejs/node#47748; a matrix cell hung so). One that starts late finds
      // the pool shut down, leaves its loop at once and exits by itself.
      terminate: () => {},
    };
  }
  const url = URL.createObjectURL(new Blob([WEB_WORKER_SOURCE], { type: 'text/javascript' }));
  const w = new Worker(url, { type: 'module' });
  return {
    unref: () => URL.revokeObjectURL(url), // loaded by now; a page has nothing to unref
    post: (m) => w.postMessage(m),
    onReply: (fn) => {
      w.onmessage = (e) => fn(e.data);
      w.onerror = (e) => fn({ error: String(e.message ?? e) });
    },
    terminate: () => w.terminate(),
  };
}

/** Whether this runtime can run the threaded build: shared memory and workers. */
export function threadsSupported(): boolean {
  const g = globalThis as any;
  if (typeof SharedArrayBuffer !== 'function' || g.crossOriginIsolated === false) return false;
  return nodeWorkerThreads() !== undefined || typeof g.Worker === 'function';
}

/** Logical cores, as the runtime reports them (at least 1). */
export function availableCores(): number {
  const g = globalThis as any;
  const os = nodeBuiltin('node:os');
  const n = os?.availableParallelism?.() ?? g.navigator?.hardwareConcurrency ?? 1;
  return Math.max(1, Math.floor(n));
}

/** How long `init()` waits for workers to start; later ones still join when they are up. */
const READY_TIMEOUT_MS = 5000;

/**
 * Resolves when `started` does or after READY_TIMEOUT_MS, whichever is first: a worker that
 * never starts (a page whose policy blocks blob: workers, a throttled headless page) costs
 * speed, never a hung `init()`.
 */
function readyOrTimeout(started: Promise<unknown>): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, READY_TIMEOUT_MS) as { unref?: () => void };
    timer.unref?.();
    started.then(() => {
      clearTimeout(timer as Parameters<typeof clearTimeout>[0]);
      resolve();
    });
  });
}

/**
 * Starts `threads - 1` workers over `memory` and tells the kernels to split for `threads`.
 * @example // not run: starts workers over a module and memory of its own
 * const pool = startThreadPool(module, memory, exports, 2); await pool.ready;
 */
export function startThreadPool(
  module: WebAssembly.Module,
  memory: WebAssembly.Memory,
  exports: ThreadedKernelExports,
  threads: number,
): ThreadPool {
  const tlsSize = exports.__tls_size.value as number;
  const handles: Handle[] = [];
  const started = new Set<Handle>();
  const waits: Promise<void>[] = [];
  for (let i = 1; i < threads; i++) {
    const stack = exports.tl_alloc(WORKER_STACK_BYTES);
    const tls = exports.tl_alloc(Math.max(tlsSize, 16));
    if (stack === 0 || tls === 0) break;
    const handle = spawn();
    waits.push(
      new Promise((resolve) => {
        handle.onReply((m) => {
          if (m?.crashed)
            console.error(
              `tensorlane: a kernel worker thread crashed (${m.crashed}); ops run on one thread from now on`,
            );
          if (m?.error) console.warn(`tensorlane: a worker thread failed to start: ${m.error}`);
          if (m?.ready) started.add(handle);
          handle.unref();
          resolve();
        });
      }),
    );
    handle.post({ module, memory, stackTop: stack + WORKER_STACK_BYTES, tls });
    handles.push(handle);
  }
  const participants = handles.length + 1;
  // The calling thread spins, never parks (memory.atomic.wait32), while the job's last tasks
  // finish, in Node as on a browser main thread: in V8 a caller parked inside a kernel
  // occasionally came back with that kernel's frame base lost (its __stack_pointer left near
  // 0 after norm_f32 and cross_entropy_f32 returned; the next call trapped out of bounds).
  exports.tl_set_threads(participants, 0);
  let ended = false;
  return {
    threads: participants,
    ready: readyOrTimeout(Promise.all(waits)),
    shutdown() {
      if (ended) return;
      ended = true;
      exports.tl_shutdown_threads();
      // Started workers leave their loop and exit by themselves; only a worker that never
      // started (a page that blocks or throttles it) is terminated.
      for (const h of handles) if (!started.has(h)) h.terminate();
    },
  };
}
