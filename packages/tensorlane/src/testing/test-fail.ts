/** `testFail`: fastcore's `test_fail`, for sync functions and promises. */
import { show } from './show.js';
import { TestFailure } from './test-failure.js';

export interface TestFailOptions {
  /** Text the error's `String(e)` (`"ShapeError: matmul: …"`) must contain. */
  readonly contains?: string;
  /** Class the error must be an instance of, e.g. `ShapeError`. */
  readonly type?: abstract new (
    ...args: never[]
  ) => unknown;
}

function describeError(e: unknown): string {
  try {
    return String(e);
  } catch {
    return Object.prototype.toString.call(e);
  }
}

function checkError(e: unknown, opts: TestFailOptions): void {
  const text = describeError(e);
  if (opts.type !== undefined && !(e instanceof opts.type))
    throw new TestFailure('testFail', `testFail: expected a ${opts.type.name}, but got:\n${text}`);
  if (opts.contains !== undefined && !text.includes(opts.contains))
    throw new TestFailure(
      'testFail',
      `testFail: expected the error to contain '${opts.contains}', but got:\n${text}`,
    );
}

function isThenable(x: unknown): x is PromiseLike<unknown> {
  return (
    (typeof x === 'object' || typeof x === 'function') &&
    x !== null &&
    typeof (x as PromiseLike<unknown>).then === 'function'
  );
}

/**
 * Passes when `fn` throws (or its promise rejects) with an error that matches `opts`.
 * Returns a promise, to be awaited, when `fn` returns one.
 * @example testFail(() => a.matmul(zeros(2, 2)), { contains: 'inner dimensions differ', type: ShapeError })
 * @example await testFail(async () => zeros(2).add(zeros(3)), { contains: 'broadcast' })
 */
export function testFail(fn: () => PromiseLike<unknown>, opts?: TestFailOptions): Promise<void>;
export function testFail(fn: () => unknown, opts?: TestFailOptions): void;
export function testFail(fn: () => unknown, opts: TestFailOptions = {}): void | Promise<void> {
  let result: unknown;
  try {
    result = fn();
  } catch (e) {
    checkError(e, opts);
    return;
  }
  if (isThenable(result)) {
    return Promise.resolve(result).then(
      (value) => {
        throw new TestFailure(
          'testFail',
          `testFail: expected the promise to reject, but it resolved to:\n${show(value)}`,
        );
      },
      (e: unknown) => checkError(e, opts),
    );
  }
  throw new TestFailure(
    'testFail',
    `testFail: expected an exception, but the function returned:\n${show(result)}`,
  );
}
