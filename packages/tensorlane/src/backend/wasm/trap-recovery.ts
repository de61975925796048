/**
 * Keeps the kernel module usable after a trap. A wasm trap (a kernel bug, or an abort when
 * an allocation inside a kernel fails) skips every epilogue and destructor: the shadow
 * stack pointer stays where the trapped frame left it (each trap would leak that much
 * stack), a thread-pool job the call opened stays open (later ops would run on one
 * thread), and the scratch buffers it held stay marked in use. So every exported function
 * is wrapped: a trap calls `tl_recover`, which closes the job and frees the scratch, puts
 * the stack pointer back, and surfaces as a `KernelTrapError` naming the export.
 */
import { KernelTrapError } from '../../errors.js';
import { type KernelExports, kernelFunctionNames } from './abi.js';

/**
 * `exports` with every function wrapped so that a trap leaves the module as it was before
 * the call. Must be called while no export runs: it records the resting stack pointer.
 * @example // not run: needs a compiled kernels module
 * const guarded = guardTraps(exports, false);
 */
export function guardTraps<T extends KernelExports>(exports: T, threaded: boolean): T {
  const restingStack = exports.__stack_pointer.value as number;
  const recover = (name: string, trap: WebAssembly.RuntimeError): KernelTrapError => {
    // tl_recover first: the open job lives in the trapped frame, below the resting stack
    // pointer, and workers may still be reading it until tl_recover has waited them out.
    exports.tl_recover();
    exports.__stack_pointer.value = restingStack;
    return new KernelTrapError(
      `${name}: the wasm kernel trapped (${trap.message}); the module recovered and ` +
        'tensors other than this call’s output are intact',
      name,
      trap,
    );
  };
  const guarded: T = { ...exports };
  const table = guarded as Record<string, unknown>;
  for (const name of kernelFunctionNames(threaded)) {
    const fn = table[name] as Kernel;
    const onTrap = (e: unknown): never => {
      if (e instanceof WebAssembly.RuntimeError) throw recover(name, e);
      throw e;
    };
    // Keep the export's arity, which the ABI check reads.
    table[name] = Object.defineProperty(guardCall(fn, onTrap), 'length', { value: fn.length });
  }
  return guarded;
}

type Kernel = (...args: number[]) => unknown;

/**
 * `fn` called inside a try block that hands a throw to `onTrap`. The small arities that
 * per-op calls use (alloc, free, elementwise, copy) get fixed-parameter closures: a call
 * with exactly the export's argument count lets the engine call wasm directly, where a
 * rest-and-spread wrapper goes through a generic path and allocates an array per call.
 */
function guardCall(fn: Kernel, onTrap: (e: unknown) => never): Kernel {
  type A = number;
  switch (fn.length) {
    case 0:
      return () => {
        try {
          return fn();
        } catch (e) {
          return onTrap(e);
        }
      };
    case 1:
      return (a: A) => {
        try {
          return fn(a);
        } catch (e) {
          return onTrap(e);
        }
      };
    case 2:
      return (a: A, b: A) => {
        try {
          return fn(a, b);
        } catch (e) {
          return onTrap(e);
        }
      };
    case 6:
      return (a: A, b: A, c: A, d: A, f: A, g: A) => {
        try {
          return fn(a, b, c, d, f, g);
        } catch (e) {
          return onTrap(e);
        }
      };
    case 7:
      return (a: A, b: A, c: A, d: A, f: A, g: A, h: A) => {
        try {
          return fn(a, b, c, d, f, g, h);
        } catch (e) {
          return onTrap(e);
        }
      };
    default:
      return (...args: number[]) => {
        try {
          return fn(...args);
        } catch (e) {
          return onTrap(e);
        }
      };
  }
}
