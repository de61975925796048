/**
 * A fresh process starts from torch's default seed. Vitest runs each file in its own
 * process, so nothing has drawn from the generator before this test (the cross-runtime
 * matrix bundles every file into one process, hence the .node suffix that leaves it out).
 */
import { expect, it } from 'vitest';
import { rand } from '../src/index.js';
import { initialSeedValue } from '../src/random.js';
import fixture from './fixtures/random.json' with { type: 'json' };

it("starts from torch's default seed 67280421310721", () => {
  expect(initialSeedValue()).toBe(fixture.default_seed);
  const want = fixture.cases.find((c) => c.seed === fixture.default_seed)!;
  expect(Array.from(rand(6).data())).toEqual(want.rand_f32);
});
