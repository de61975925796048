/**
 * The pure TypeScript backend: every op, over typed arrays. It is the reference the wasm
 * backend is tested against, and `arrayKernels` also runs on typed-array views of wasm
 * memory for whatever the wasm build has no kernel for.
 */
import { ARRAY_OF, BYTES_OF, type DType, type TypedArray } from '../../dtype.js';
import { OutOfMemoryError } from '../../errors.js';
import { coalesceDims } from '../../shape/coalesce-dims.js';
import { forEachRow } from '../../shape/strided-rows.js';
import type { Backend, BinaryOp, ReduceOp, Storage, UnaryOp, View } from '../backend.js';
import { binaryRow } from './binary-rows.js';
import { binaryFn, unaryFn } from './element-ops.js';
import { arrayLinalgKernels } from './linalg.js';
import { arrayOptimizerSteps } from './optimizer-steps.js';
import { arrayRowKernels } from './row-kernels.js';
import { scanKernel } from './scan.js';
import { arraySelectKernels } from './select.js';
import { sortKernel } from './sort.js';

/** The compute half of a backend, given a way to see a storage as a typed array. */
export type ArrayKernels = Pick<Backend, 'copy' | 'binary' | 'unary' | 'reduce' | 'scan' | 'sort'>;

/** The largest js-backend allocation; beyond it `alloc` throws `OutOfMemoryError`. */
export const JS_MAX_ELEMENTS = 2 ** 31 - 1;

/**
 * Reference kernels over typed arrays (`array(storage)` is called once per op and not kept).
 * @example // not run: src and dst are backend views (no public constructor)
 * const k = arrayKernels((s) => s.handle as TypedArray); k.copy(src, dst);
 */
export function arrayKernels(array: (s: Storage) => TypedArray): ArrayKernels {
  function copy(a: View, out: View): void {
    const src = array(a.storage);
    const dst = array(out.storage);
    const { shape, strides } = coalesceDims(out.shape, [a.strides, out.strides]);
    const [sa, so] = [strides[0]!, strides[1]!];
    const toBool = out.storage.dtype === 'bool' && a.storage.dtype !== 'bool';
    const sameType = a.storage.dtype === out.storage.dtype;
    const ia = sa[sa.length - 1] ?? 0;
    const io = so[so.length - 1] ?? 0;
    forEachRow(shape, strides, [a.offset, out.offset], (offs, n) => {
      let p = offs[0]!;
      let q = offs[1]!;
      if (sameType && ia === 1 && io === 1) {
        dst.set(src.subarray(p, p + n) as any, q);
        return;
      }
      if (toBool) {
        for (let i = 0; i < n; i++, p += ia, q += io) dst[q] = src[p] !== 0 ? 1 : 0;
      } else {
        for (let i = 0; i < n; i++, p += ia, q += io) dst[q] = src[p]!;
      }
    });
  }

  function binary(op: BinaryOp, a: View, b: View, out: View): void {
    const xa = array(a.storage);
    const xb = array(b.storage);
    const xo = array(out.storage) as unknown as { [i: number]: number | boolean };
    const f = binaryFn(op, a.storage.dtype);
    const { shape, strides } = coalesceDims(out.shape, [a.strides, b.strides, out.strides]);
    const inner = strides.map((s) => s[s.length - 1] ?? 0);
    const [ia, ib, io] = [inner[0]!, inner[1]!, inner[2]!];
    const dtype = a.storage.dtype;
    // int32 mul needs imul; bools must stay 0/1: those take the generic path.
    const dedicated = dtype !== 'bool' && !(dtype === 'int32' && op === 'mul');
    forEachRow(shape, strides, [a.offset, b.offset, out.offset], (offs, n) => {
      let p = offs[0]!;
      let q = offs[1]!;
      let r = offs[2]!;
      if (dedicated && binaryRow(op, xa, xb, xo, p, q, r, n, ia, ib, io)) return;
      for (let i = 0; i < n; i++, p += ia, q += ib, r += io) xo[r] = f(xa[p]!, xb[q]!);
    });
  }

  function unary(op: UnaryOp, a: View, out: View, params: readonly number[] = []): void {
    const xa = array(a.storage);
    const xo = array(out.storage);
    const f = unaryFn(op, a.storage.dtype);
    const lo = params[0] ?? -Infinity;
    const hi = params[1] ?? Infinity;
    const { shape, strides } = coalesceDims(out.shape, [a.strides, out.strides]);
    const ia = strides[0]![strides[0]!.length - 1] ?? 0;
    const io = strides[1]![strides[1]!.length - 1] ?? 0;
    forEachRow(shape, strides, [a.offset, out.offset], (offs, n) => {
      let p = offs[0]!;
      let q = offs[1]!;
      for (let i = 0; i < n; i++, p += ia, q += io) xo[q] = f(xa[p]!, lo, hi);
    });
  }

  function reduce(op: ReduceOp, a: View, axes: readonly number[], out: View, values?: View): void {
    const xa = array(a.storage);
    const xo = array(out.storage);
    const xv = values && array(values.storage);
    let v = values?.offset ?? 0;
    const kept: number[] = [];
    for (let d = 0; d < a.shape.length; d++) if (!axes.includes(d)) kept.push(d);
    const keptShape = kept.map((d) => a.shape[d]!);
    const keptStrides = kept.map((d) => a.strides[d]!);
    // Coalescing the reduced axes alone keeps their row-major order, which argmax indexes.
    const red = coalesceDims(
      axes.map((d) => a.shape[d]!),
      [axes.map((d) => a.strides[d]!)],
    );
    const step = reducer(op);
    const redInner = red.strides[0]![red.strides[0]!.length - 1] ?? 0;
    let o = 0;
    forEachRow(keptShape, [keptStrides], [a.offset], (offs, n) => {
      const inner = keptStrides[keptStrides.length - 1] ?? 0;
      for (let i = 0; i < n; i++) {
        step.start();
        let index = 0;
        forEachRow(red.shape, red.strides, [offs[0]! + i * inner], (ro, m) => {
          step.addRow(xa, ro[0]!, m, redInner, index);
          index += m;
        });
        xo[o++] = step.result();
        if (xv) xv[v++] = step.best();
      }
    });
  }

  return { copy, binary, unary, reduce, scan: scanKernel(array), sort: sortKernel(array) };
}

interface Reducer {
  start(): void;
  /** Folds `n` elements `x[p], x[p + s], …` whose reduced-block indices start at `index`. */
  addRow(x: TypedArray, p: number, n: number, s: number, index: number): void;
  result(): number;
  /** The extreme value (max/min and their arg forms), else the result. */
  best(): number;
}

/**
 * An accumulator per reduce op. Sums and products accumulate in float64 whatever the dtype
 * (exact for int32 while the result fits; the tensor layer range-checks int32 results).
 */
function reducer(op: ReduceOp): Reducer {
  let acc = 0;
  switch (op) {
    case 'sum':
      return {
        start() {
          acc = 0;
        },
        addRow(x, p, n, s) {
          let a = acc;
          for (let j = 0; j < n; j++, p += s) a += x[p]!;
          acc = a;
        },
        result: () => acc,
        best: () => acc,
      };
    case 'prod':
      return {
        start() {
          acc = 1;
        },
        addRow(x, p, n, s) {
          let a = acc;
          for (let j = 0; j < n; j++, p += s) a *= x[p]!;
          acc = a;
        },
        result: () => acc,
        best: () => acc,
      };
    case 'all':
    case 'any': {
      // all: starts true, any zero clears it; any: starts false, any nonzero sets it.
      const init = op === 'all' ? 1 : 0;
      return {
        start() {
          acc = init;
        },
        addRow(x, p, n, s) {
          for (let j = 0; j < n; j++, p += s) if ((x[p] !== 0) !== (init === 1)) acc = 1 - init;
        },
        result: () => acc,
        best: () => acc,
      };
    }
    default:
      return extremeReducer(op);
  }
}

/** max/min and their arg forms: NaN wins and the first extreme is kept (as torch). */
function extremeReducer(op: 'max' | 'min' | 'argmax' | 'argmin'): Reducer {
  const isMax = op === 'max' || op === 'argmax';
  const wantIndex = op === 'argmax' || op === 'argmin';
  let best = 0;
  let at = -1;
  return {
    start() {
      at = -1;
    },
    addRow(x, p, n, s, index) {
      let b = best;
      let k = at;
      // Once a NaN is held nothing replaces it, so the loop can stop.
      for (let j = 0; j < n && !(k >= 0 && Number.isNaN(b)); j++, p += s) {
        const v = x[p]!;
        if (k < 0 || (isMax ? v > b : v < b) || Number.isNaN(v)) {
          b = v;
          k = index + j;
        }
      }
      best = b;
      at = k;
    },
    result: () => (wantIndex ? at : best),
    best: () => best,
  };
}

/**
 * The `OutOfMemoryError` both backends throw: what was asked, the limit, what live tensors
 * hold, and the usual cause (a loop that neither disposes nor uses `tidy`).
 * @example outOfMemory('js', 8, 'float64', 0, 'at most 2147483647 elements per tensor').name // → 'OutOfMemoryError'
 */
export function outOfMemory(
  backend: string,
  length: number,
  dtype: DType,
  bytesLive: number,
  limit: string,
): OutOfMemoryError {
  const bytes = length * BYTES_OF[dtype];
  return new OutOfMemoryError(
    `alloc: cannot allocate ${bytes} bytes for ${length} ${dtype} elements on the ${backend} backend ` +
      `(${limit}; ${bytesLive} bytes are held by live tensors). In a loop, free each step's ` +
      'tensors with tidy() or dispose(): the garbage collector frees unreachable tensors only ' +
      'between event-loop turns, never during a synchronous loop',
    bytes,
    bytesLive,
  );
}

/**
 * The js backend: a storage's handle is its typed array.
 * @example setBackend('js'); // every op then runs here
 */
export function createJsBackend(): Backend {
  let bytesLive = 0;
  const array = (s: Storage) => s.handle as TypedArray;
  const backend: Backend = {
    name: 'js',
    alloc(dtype: DType, length: number): Storage {
      const bytes = length * BYTES_OF[dtype];
      let handle: TypedArray | undefined;
      if (length <= JS_MAX_ELEMENTS) {
        try {
          handle = new ARRAY_OF[dtype](length);
        } catch (e) {
          if (!(e instanceof RangeError)) throw e;
        }
      }
      if (!handle)
        throw outOfMemory(
          'js',
          length,
          dtype,
          bytesLive,
          `at most ${JS_MAX_ELEMENTS} elements per tensor`,
        );
      bytesLive += bytes;
      return { backend, dtype, length, handle };
    },
    free(storage: Storage): void {
      bytesLive -= storage.length * BYTES_OF[storage.dtype];
    },
    array,
    // Typed arrays come from the JS heap, which the engine sizes itself.
    heapBytes: () => 0,
    ...arrayKernels(array),
    ...arrayLinalgKernels(array),
    ...arrayRowKernels(array),
    ...arrayOptimizerSteps(array),
    ...arraySelectKernels(array),
  };
  return backend;
}
