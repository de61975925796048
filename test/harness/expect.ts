/**
 * vitest's `expect`, rebuilt from `@vitest/expect` (the very package vitest uses) so a
 * matcher means exactly the same thing in the conformance bundle as under `vitest run`.
 * Only the runner glue that vitest keeps in its node-only chunks is re-done here:
 * assertion counting, `expect.soft`, `expect.assertions` and the per-test state.
 */

import type { ExpectStatic } from '@vitest/expect';
import {
  ASYMMETRIC_MATCHERS_OBJECT,
  ChaiStyleAssertions,
  chai,
  customMatchers,
  GLOBAL_EXPECT,
  getState,
  JestAsymmetricMatchers,
  JestChaiExpect,
  JestExtend,
  setState,
} from '@vitest/expect';

/** What `@vitest/expect` records on the running test (failed soft assertions, pending async expects). */
export interface ExpectTask {
  name: string;
  promises?: Promise<unknown>[];
  result?: { state: string; errors?: unknown[] };
}

chai.use(JestExtend);
chai.use(JestChaiExpect);
chai.use(ChaiStyleAssertions);
chai.use(JestAsymmetricMatchers);

// Snapshots need files beside the test and a writer; the bundle has neither, so say so plainly
// instead of letting chai report "toMatchSnapshot is not a function".
chai.use((c) => {
  for (const name of [
    'toMatchSnapshot',
    'toMatchInlineSnapshot',
    'toMatchFileSnapshot',
    'toThrowErrorMatchingSnapshot',
    'toThrowErrorMatchingInlineSnapshot',
  ]) {
    c.util.addMethod(c.Assertion.prototype, name, () => {
      throw new Error(`${name} is not supported by the conformance harness (no snapshot files)`);
    });
  }
});

let currentTask: ExpectTask | undefined;

function freshState(name: string) {
  return {
    assertionCalls: 0,
    isExpectingAssertions: false,
    isExpectingAssertionsError: null,
    expectedAssertionsNumber: null,
    expectedAssertionsNumberErrorGen: null,
    currentTestName: name,
    testPath: undefined,
  };
}

const expectFn = (value: unknown, message?: string) => {
  const { assertionCalls } = getState(expectFn as unknown as ExpectStatic);
  setState({ assertionCalls: assertionCalls + 1 }, expectFn as unknown as ExpectStatic);
  const assertion = chai.expect(value, message) as unknown as { withTest(t: ExpectTask): unknown };
  return currentTask ? assertion.withTest(currentTask) : assertion;
};

/** vitest's global `expect`. */
export const expect = expectFn as unknown as ExpectStatic;
const expectAny = expect as any;
Object.assign(expectAny, chai.expect);
Object.assign(expectAny, (globalThis as any)[ASYMMETRIC_MATCHERS_OBJECT]);
expectAny.getState = () => getState(expect);
expectAny.setState = (state: object) => setState(state, expect);
expectAny.assert = chai.assert;
expectAny.extend = (matchers: object) => (chai.expect as any).extend(expect, matchers);
expectAny.soft = (value: unknown, message?: string) =>
  (expectFn(value, message) as any).withContext({ soft: true });
expectAny.unreachable = (message?: string) => {
  chai.assert.fail(`expected${message ? ` "${message}" ` : ' '}not to be reached`);
};
expectAny.assertions = (expected: number) => {
  const errorGen = () =>
    new Error(
      `expected number of assertions to be ${expected}, but got ${getState(expect).assertionCalls}`,
    );
  setState(
    { expectedAssertionsNumber: expected, expectedAssertionsNumberErrorGen: errorGen },
    expect,
  );
};
expectAny.hasAssertions = () => {
  setState(
    {
      isExpectingAssertions: true,
      isExpectingAssertionsError: new Error('expected any number of assertion, but got none'),
    },
    expect,
  );
};
expectAny.poll = () => {
  throw new Error('expect.poll is not supported by the conformance harness');
};
expectAny.extend(customMatchers);
setState(freshState(''), expect);
Object.defineProperty(globalThis, GLOBAL_EXPECT, {
  value: expect,
  writable: true,
  configurable: true,
});

/** Starts counting assertions for one test; `expect.soft` failures land on `task`. */
export function beginExpectations(task: ExpectTask): void {
  currentTask = task;
  setState(freshState(task.name), expect);
}

/**
 * Ends a test's expectations: awaits un-awaited `.resolves`/`.rejects`, then returns the
 * errors vitest would report (soft failures, `expect.assertions(n)` mismatches).
 */
export async function endExpectations(task: ExpectTask): Promise<unknown[]> {
  currentTask = undefined;
  const errors: unknown[] = [];
  try {
    await Promise.all(task.promises ?? []);
  } catch (error) {
    errors.push(error);
  }
  errors.push(...(task.result?.errors ?? []));
  const state = getState(expect);
  if (
    state.expectedAssertionsNumber !== null &&
    state.assertionCalls !== state.expectedAssertionsNumber
  )
    errors.push(state.expectedAssertionsNumberErrorGen?.());
  if (state.isExpectingAssertions && state.assertionCalls === 0)
    errors.push(state.isExpectingAssertionsError);
  return errors;
}
