/**
 * The `vitest` module as seen by the conformance bundle: esbuild aliases `vitest` to this
 * file, so the project's unit tests run unchanged in every runtime. It offers what the
 * tests use: describe/it/test/suite (with .skip .only .todo .each .skipIf .runIf .fails),
 * the four hooks, and vitest's own `expect`. `.only` runs like a plain case, so a
 * leftover `.only` cannot silently drop the rest of the suite from the matrix.
 */
import { eachName } from './each-name.js';
import { registerHook, registerSuite, registerTest, type TestContext } from './suite.js';

export { chai } from '@vitest/expect';
export { expect } from './expect.js';
export type { TestContext };

type TestFn = (context: TestContext) => unknown;
type TestOptions = { timeout?: number; skip?: boolean; todo?: boolean; fails?: boolean };
type Mode = 'run' | 'skip' | 'todo';

function parseTestArgs(a: unknown, b: unknown): { fn: TestFn | undefined; options: TestOptions } {
  if (typeof a === 'function') {
    const options = typeof b === 'number' ? { timeout: b } : ((b as TestOptions | undefined) ?? {});
    return { fn: a as TestFn, options };
  }
  return { fn: b as TestFn | undefined, options: (a as TestOptions | undefined) ?? {} };
}

function rowArgs(row: unknown): unknown[] {
  return Array.isArray(row) ? row : [row];
}

type Register = (title: string, options: TestOptions, body: (() => unknown) | undefined) => void;

/** `.each`: rows are spread into the handler only when every row is an array (as in vitest). */
function registerEach(
  table: readonly unknown[],
  name: string,
  a: unknown,
  b: unknown,
  register: Register,
) {
  const arrayOnly = table.every(Array.isArray);
  const fnFirst = typeof a === 'function';
  const handler = (fnFirst ? a : b) as ((...args: unknown[]) => unknown) | undefined;
  const raw = fnFirst ? b : a;
  const options =
    typeof raw === 'number' ? { timeout: raw } : ((raw as TestOptions | undefined) ?? {});
  table.forEach((row, index) => {
    const items = rowArgs(row);
    const body = handler && (() => (arrayOnly ? handler(...items) : handler(row)));
    register(eachName(name, items, index), options, body);
  });
}

interface TestApi {
  (name: string, a?: unknown, b?: unknown): void;
  skip: TestApi;
  only: TestApi;
  todo: TestApi;
  fails: TestApi;
  concurrent: TestApi;
  sequential: TestApi;
  skipIf(condition: unknown): TestApi;
  runIf(condition: unknown): TestApi;
  each(
    table: readonly unknown[],
  ): (name: string, fn: (...args: any[]) => unknown, options?: unknown) => void;
  for(
    table: readonly unknown[],
  ): (name: string, fn: (row: any, context: TestContext) => unknown) => void;
}

function makeTest(mode: Mode, fails: boolean): TestApi {
  const api = ((name: string, a?: unknown, b?: unknown) => {
    const { fn, options } = parseTestArgs(a, b);
    const own: Mode = options.skip ? 'skip' : options.todo ? 'todo' : mode;
    registerTest(name, fn, own, options.timeout, fails || options.fails === true);
  }) as TestApi;
  Object.defineProperties(api, {
    skip: { get: () => makeTest('skip', fails) },
    only: { get: () => makeTest(mode, fails) },
    todo: { get: () => makeTest('todo', fails) },
    fails: { get: () => makeTest(mode, true) },
    concurrent: { get: () => api },
    sequential: { get: () => api },
  });
  api.skipIf = (condition) => (condition ? makeTest('skip', fails) : api);
  api.runIf = (condition) => (condition ? api : makeTest('skip', fails));
  api.each = (table) => (name, a, b) =>
    registerEach(table, name, a, b, (title, options, body) => api(title, options, body));
  api.for = (table) => (name, fn) => {
    table.forEach((row, index) => {
      api(eachName(name, rowArgs(row), index), (context: TestContext) => fn(row, context));
    });
  };
  return api;
}

interface DescribeApi {
  (name: string, a?: unknown, b?: unknown): void;
  skip: DescribeApi;
  only: DescribeApi;
  todo: DescribeApi;
  concurrent: DescribeApi;
  sequential: DescribeApi;
  shuffle: DescribeApi;
  skipIf(condition: unknown): DescribeApi;
  runIf(condition: unknown): DescribeApi;
  each(table: readonly unknown[]): (name: string, a?: unknown, b?: unknown) => void;
  for(table: readonly unknown[]): (name: string, fn: (row: any) => unknown) => void;
}

function makeDescribe(mode: Mode): DescribeApi {
  const api = ((name: string, a?: unknown, b?: unknown) => {
    const fn = (typeof a === 'function' ? a : b) as (() => unknown) | undefined;
    const options = (typeof a === 'object' && a !== null ? a : {}) as TestOptions;
    registerSuite(name, fn, options.skip ? 'skip' : options.todo ? 'todo' : mode);
  }) as DescribeApi;
  Object.defineProperties(api, {
    skip: { get: () => makeDescribe('skip') },
    only: { get: () => api },
    todo: { get: () => makeDescribe('todo') },
    concurrent: { get: () => api },
    sequential: { get: () => api },
    shuffle: { get: () => api },
  });
  api.skipIf = (condition) => (condition ? makeDescribe('skip') : api);
  api.runIf = (condition) => (condition ? api : makeDescribe('skip'));
  api.each = (table) => (name, a, b) =>
    registerEach(table, name, a, b, (title, options, body) => api(title, options, body));
  api.for = (table) => (name, fn) => {
    table.forEach((row, index) => {
      api(eachName(name, rowArgs(row), index), () => fn(row));
    });
  };
  return api;
}

/** vitest's `it`/`test`. */
export const it = makeTest('run', false);
export const test = it;
/** vitest's `describe`/`suite`. */
export const describe = makeDescribe('run');
export const suite = describe;

/** Runs before every test of the enclosing suite; a returned function runs after it. */
export const beforeEach = (fn: (context?: unknown) => unknown) => registerHook('beforeEach', fn);
/** Runs after every test of the enclosing suite. */
export const afterEach = (fn: (context?: unknown) => unknown) => registerHook('afterEach', fn);
/** Runs once before the enclosing suite's tests. */
export const beforeAll = (fn: () => unknown) => registerHook('beforeAll', fn);
/** Runs once after the enclosing suite's tests. */
export const afterAll = (fn: () => unknown) => registerHook('afterAll', fn);
