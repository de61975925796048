/**
 * Typed errors. Each message names the op, the shapes involved and the rule broken, e.g.
 * `ShapeError: matmul: [5, 784] @ [10, 784]: inner dimensions differ (784 vs 10)`.
 */
export class TensorlaneError extends Error {}
/** An argument of the wrong kind or out of its range: a string for a number, a negative tolerance. */
export class ArgumentError extends TensorlaneError {}
export class ShapeError extends TensorlaneError {}
export class IndexError extends TensorlaneError {}
export class DtypeError extends TensorlaneError {}
export class DisposedError extends TensorlaneError {}
/** Raised before any tensor is touched when the backend cannot allocate. */
export class OutOfMemoryError extends TensorlaneError {
  constructor(
    message: string,
    readonly bytesRequested: number,
    readonly bytesLive: number,
  ) {
    super(message);
  }
}
/** `position` is the 0-based character offset in the equation where the problem is. */
export class EinsumError extends TensorlaneError {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
  }
}
/**
 * A wasm kernel trapped (a bug in tensorlane, or memory exhausted inside a kernel). The
 * module has recovered and later ops run normally; `cause` is the engine's `RuntimeError`.
 */
export class KernelTrapError extends TensorlaneError {
  constructor(
    message: string,
    readonly kernel: string,
    override readonly cause: WebAssembly.RuntimeError,
  ) {
    super(message);
  }
}
/** A weights file (safetensors, .npy) that is malformed: names the tensor and the problem. */
export class FormatError extends TensorlaneError {}
/**
 * The wasm kernels cannot run: an op before `await init()` where the first op cannot load
 * them (browsers), or a module `init` cannot fetch, compile or instantiate as asked. Bad
 * `init` options are an `ArgumentError` instead.
 */
export class InitError extends TensorlaneError {}
/**
 * Autograd refused: `backward()` through a freed graph or on a tensor that does not require
 * grad, a saved tensor changed in place, an in-place op on a tensor that requires grad.
 */
export class AutogradError extends TensorlaneError {}

// Each class's name as a string on its prototype: minifiers (Vite's, webpack's) rename
// classes, and `new.target.name` then printed an error as e.g. 'h: init: …'.
for (const [name, type] of Object.entries({
  TensorlaneError,
  ArgumentError,
  ShapeError,
  IndexError,
  DtypeError,
  DisposedError,
  OutOfMemoryError,
  EinsumError,
  KernelTrapError,
  FormatError,
  InitError,
  AutogradError,
}))
  Object.defineProperty(type.prototype, 'name', {
    value: name,
    writable: true,
    configurable: true,
  });

/** `[2, 3]` as printed in error messages. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
