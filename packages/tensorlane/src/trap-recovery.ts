/**
 * Keeps the kernel module usable after a trap. A wasm trap (a kernel bug, or an abort when
 * an allocation inside a kernel fails) skips every epilogue and destructor: the shadow
 * stack pointer stays where the trapped frame left it (each trap would leak that much
 * stack), a thread-pool job the call opened stays open (later ops would run on one
 * thread), and the scratch buffers it held stay marked in use. So every exported function
 * is wrapped: a trap calls `tl_recover`, which closes the job and frees the scratch, puts
 * the stack pointer back, and surfaces as a `KernelTrapError` naming the export.
 */
import { KernelTrapError } from './errors.js';

interface RecoverableExports {
  readonly __stack_pointer: WebAssembly.Global;
  tl_recover(): number;
}

/**
 * `exports` with every function wrapped so that a trap leaves the module as it was before
 * the call. Must be called while no export runs: it records the resting stack pointer.
 * @example // not run: needs a compiled kernels module
 * const exports = guardTraps(new WebAssembly.Instance(module, {}).exports);
 */
export function guardTraps<T>(exports: WebAssembly.Exports): T {
  const raw = exports as unknown as RecoverableExports;
  const restingStack = raw.__stack_pointer.value as number;
  const recover = (name: string, trap: WebAssembly.RuntimeError): KernelTrapError => {
    // tl_recover first: the open job lives in the trapped frame, below the resting stack
    // pointer, and workers may still be reading it until tl_recover has waited them out.
    raw.tl_recover();
    raw.__stack_pointer.value = restingStack;
    return new KernelTrapError(
      `${name}: the wasm kernel trapped (${trap.message}); the module recovered and ` +
        'tensors other than this call’s output are intact',
      name,
      trap,
    );
  };
  const guarded: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(exports)) {
    if (typeof value !== 'function') {
      guarded[name] = value;
      continue;
    }
    const fn = value as (...args: number[]) => unknown;
    guarded[name] = (...args: number[]) => {
      try {
        return fn(...args);
      } catch (e) {
        if (e instanceof WebAssembly.RuntimeError) throw recover(name, e);
        throw e;
      }
    };
  }
  return guarded as T;
}
