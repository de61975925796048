/**
 * The test tree and its runner: `describe`/`it`/hooks register cases while the bundled test
 * files are imported (as vitest collects them), and `runSuite()` runs them in order.
 */
import { beginExpectations, type ExpectTask, endExpectations } from './expect.js';

type Hook = (context?: unknown) => unknown;
type TestFn = (context: TestContext) => unknown;
type Mode = 'run' | 'skip' | 'todo';

/** The context object vitest passes to a test function (the parts tests can use here). */
export interface TestContext {
  task: { name: string };
  skip(note?: string): never;
  onTestFinished(fn: () => unknown): void;
}

interface TestCase {
  kind: 'test';
  name: string;
  fn: TestFn | undefined;
  mode: Mode;
  timeoutMs: number | undefined;
  fails: boolean;
}

interface Suite {
  kind: 'suite';
  name: string;
  mode: Mode;
  children: (Suite | TestCase)[];
  beforeAll: Hook[];
  afterAll: Hook[];
  beforeEach: Hook[];
  afterEach: Hook[];
}

/** One failed test: its full name (`file > describe > it`) and the error text. */
export interface Failure {
  name: string;
  message: string;
}

/** A test's outcome, as vitest's reporters name them. */
export type TestStatus = 'passed' | 'failed' | 'skipped';

/** What a run produced; the matrix runner reads exactly this. */
export interface SuiteResult {
  passed: number;
  failed: number;
  skipped: number;
  failures: Failure[];
  durationMs: number;
  /** Every test's full name and outcome, when asked for with `listTests`. */
  tests?: { name: string; status: TestStatus; ms: number }[];
}

/** Options of a run. `filter` keeps tests whose full name contains it. */
export interface RunOptions {
  filter?: string;
  defaultTimeoutMs?: number;
  /** Runs after every test (after its own hooks); a thrown error fails that test. */
  afterEachTest?: () => unknown;
  /** Told each test's full name as it starts (a hung cell then shows where it hung). */
  onTestStart?: (name: string) => void;
  /** Also return every test's name and outcome. */
  listTests?: boolean;
}

class SkipSignal extends Error {}

function newSuite(name: string, mode: Mode): Suite {
  return {
    kind: 'suite',
    name,
    mode,
    children: [],
    beforeAll: [],
    afterAll: [],
    beforeEach: [],
    afterEach: [],
  };
}

const root = newSuite('', 'run');
let collecting: Suite = root;

/** Opens a top-level suite for one test file, so failures name their file. */
export function collectFile(fileName: string, load: () => Promise<unknown>): Promise<unknown> {
  const suite = newSuite(fileName, 'run');
  root.children.push(suite);
  collecting = suite;
  return load().finally(() => {
    collecting = root;
  });
}

/** Registers a suite and collects its body right away (as vitest does). */
export function registerSuite(name: string, fn: (() => unknown) | undefined, mode: Mode): void {
  const suite = newSuite(name, fn ? mode : 'todo');
  collecting.children.push(suite);
  if (!fn) return;
  const parent = collecting;
  collecting = suite;
  try {
    const result = fn();
    if (result && typeof (result as Promise<unknown>).then === 'function')
      throw new Error(`describe('${name}'): async suite bodies are not supported by the harness`);
  } finally {
    collecting = parent;
  }
}

/** Registers one test case. */
export function registerTest(
  name: string,
  fn: TestFn | undefined,
  mode: Mode,
  timeoutMs?: number,
  fails = false,
): void {
  collecting.children.push({ kind: 'test', name, fn, mode: fn ? mode : 'todo', timeoutMs, fails });
}

/** Adds a hook to the suite being collected. */
export function registerHook(
  kind: 'beforeAll' | 'afterAll' | 'beforeEach' | 'afterEach',
  fn: Hook,
): void {
  collecting[kind].push(fn);
}

function describeError(error: unknown): string {
  // Soft-assertion failures arrive as plain serialized objects ({ name, message, ... }).
  if (error !== null && typeof error === 'object' && typeof (error as Error).message === 'string') {
    const { name, message } = error as Error;
    return name && !message.startsWith(name) ? `${name}: ${message}` : message;
  }
  try {
    return String(error);
  } catch {
    return Object.prototype.toString.call(error);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function hasRunnable(node: Suite | TestCase, prefix: string, filter: string | undefined): boolean {
  if (node.mode !== 'run') return false;
  const full = prefix ? `${prefix} > ${node.name}` : node.name;
  if (node.kind === 'test') return !filter || full.includes(filter);
  return node.children.some((child) => hasRunnable(child, full, filter));
}

function testNames(node: Suite | TestCase, full: string): string[] {
  if (node.kind === 'test') return [full];
  return node.children.flatMap((child) => testNames(child, `${full} > ${child.name}`));
}

/** Runs every registered test in registration order. */
export async function runSuite(options: RunOptions = {}): Promise<SuiteResult> {
  const started = Date.now();
  const result: SuiteResult = { passed: 0, failed: 0, skipped: 0, failures: [], durationMs: 0 };
  const defaultTimeout = options.defaultTimeoutMs ?? 60_000;
  const tests: NonNullable<SuiteResult['tests']> = [];
  let testStarted = Date.now();
  const record = (name: string, status: TestStatus) => {
    result[status]++;
    tests.push({ name, status, ms: Date.now() - testStarted });
  };
  const fail = (name: string, error: unknown) => {
    record(name, 'failed');
    result.failures.push({ name, message: describeError(error) });
  };

  async function runTest(test: TestCase, full: string, chain: Suite[]): Promise<void> {
    testStarted = Date.now();
    options.onTestStart?.(full);
    const task: ExpectTask = { name: full };
    const finished: (() => unknown)[] = [];
    const cleanups: Hook[] = [];
    const context: TestContext = {
      task: { name: test.name },
      skip(note?: string): never {
        throw new SkipSignal(note ?? 'skipped');
      },
      onTestFinished(fn) {
        finished.push(fn);
      },
    };
    const errors: unknown[] = [];
    let skipped = false;
    beginExpectations(task);
    try {
      for (const suite of chain)
        for (const hook of suite.beforeEach) {
          const cleanup = await hook(context);
          if (typeof cleanup === 'function') cleanups.unshift(cleanup as Hook);
        }
      await withTimeout(
        Promise.resolve().then(() => test.fn!(context)),
        test.timeoutMs ?? defaultTimeout,
        `test '${full}'`,
      );
    } catch (error) {
      if (error instanceof SkipSignal) skipped = true;
      else errors.push(error);
    }
    errors.push(...(await endExpectations(task)));
    // vitest's default ('stack') order: afterEach hooks innermost first, then the cleanups
    // that beforeEach hooks returned, then onTestFinished callbacks.
    const after = [
      ...[...chain].reverse().flatMap((s) => [...s.afterEach].reverse()),
      ...cleanups,
      ...finished,
    ];
    if (options.afterEachTest) after.push(options.afterEachTest);
    for (const hook of after) {
      try {
        await hook(context);
      } catch (error) {
        errors.push(error);
      }
    }
    if (skipped && errors.length === 0) record(full, 'skipped');
    else if (test.fails) {
      if (errors.length > 0) record(full, 'passed');
      else fail(full, new Error('test was expected to fail (it.fails) but passed'));
    } else if (errors.length === 0) record(full, 'passed');
    else fail(full, errors[0]);
  }

  async function runNode(node: Suite | TestCase, prefix: string, chain: Suite[]): Promise<void> {
    const full = prefix ? `${prefix} > ${node.name}` : node.name;
    if (!hasRunnable(node, prefix, options.filter)) {
      if (node.mode !== 'run' && !options.filter)
        for (const name of testNames(node, full)) record(name, 'skipped');
      return;
    }
    if (node.kind === 'test') return runTest(node, full, chain);
    const inner = [...chain, node];
    const afterAll = [...node.afterAll].reverse();
    try {
      for (const hook of node.beforeAll) {
        const cleanup = await hook();
        // Cleanups returned by beforeAll run after the afterAll hooks, as in vitest.
        if (typeof cleanup === 'function') afterAll.push(cleanup as Hook);
      }
    } catch (error) {
      // vitest fails every test of a suite whose beforeAll throws; one entry says it.
      fail(`${full} (beforeAll)`, error);
      return;
    }
    for (const child of node.children) await runNode(child, full, inner);
    for (const hook of afterAll) {
      try {
        await hook();
      } catch (error) {
        fail(`${full} (afterAll)`, error);
      }
    }
  }

  for (const child of root.children) await runNode(child, '', []);
  result.durationMs = Date.now() - started;
  if (options.listTests) result.tests = tests;
  return result;
}
