/**
 * `tensorlane/testing`: the lesson's test helpers for tensors, arrays and numbers.
 * @example
 * import { testEq, testNear, testFail } from 'tensorlane/testing';
 * testEq(c.shape, [3]);
 * testNear(matmul(m1, m2), m1.matmul(m2));
 * testClose(m1.matmul(m2), matmul(m1, m2), 1e-3);
 * testFail(() => a.add(zeros(2)), { contains: 'cannot broadcast' });
 */

import '../tensor-methods.js';

export type { CloseOptions } from '../ops/close-values.js';
export { allclose, isclose } from '../ops/isclose.js';
export { test, testClose, testEq, testNe, testNear } from './assertions.js';
export { equals } from './equals.js';
export { type GradcheckOptions, gradcheck } from './gradcheck.js';
export { near } from './near.js';
export type { TensorLike } from './tensor-like.js';
export { type TestFailOptions, testFail } from './test-fail.js';
export { TestFailure } from './test-failure.js';
