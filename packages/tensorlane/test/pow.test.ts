/**
 * pow's special cases on both backends against torch 1.13 (fixtures/gen_pow_special.py):
 * every pair of ±0, ±1, ±inf, NaN, subnormals, the largest float, odd/even integers and
 * non-integers, as tensor ** tensor and tensor ** number. Results that are ±inf, NaN or
 * integers up to 2^24 (±0 and ±1 among them) are compared bit for bit (sign of zero
 * included); the others within 2 float32 ulps (torch's own pow is not correctly rounded).
 */
import { expect } from 'vitest';
import { tensor } from '../src/index.js';
import { describeBackends } from './backend-cases.js';
import cases from './fixtures/pow-special-cases.json' with { type: 'json' };
import { ulpDistance } from './float-compare.js';

const dec = (v: number | string): number =>
  v === 'nan' ? Number.NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : Number(v);

const xs = cases.x.map(dec);
const ys = cases.y.map(dec);

function check(got: number, want: number, what: string): void {
  const exact = !Number.isFinite(want) || (Number.isInteger(want) && Math.abs(want) <= 2 ** 24);
  if (exact ? !Object.is(got, want) : ulpDistance(got, want) > 2)
    expect.fail(
      `${what}: got ${Object.is(got, -0) ? '-0' : got}, torch ${Object.is(want, -0) ? '-0' : want}`,
    );
}

/** torch computes `x ** ±0.5` with a Python float as sqrt/rsqrt: only -0 and -inf differ. */
const sqrtShortcut = (x: number, y: number) =>
  Math.abs(y) === 0.5 && (Object.is(x, -0) || x === -Infinity);

describeBackends('pow special cases', (it) => {
  it('tensor ** tensor gives torch.pow on every pair of special values', () => {
    const x = tensor(xs, { dtype: 'float32' });
    ys.forEach((y, j) => {
      const got = x
        .pow(
          tensor(
            xs.map(() => y),
            { dtype: 'float32' },
          ),
        )
        .toArray() as number[];
      got.forEach((g, i) => {
        check(g, dec(cases.tensor[j]![i]!), `pow(${xs[i]}, ${y})`);
      });
    });
  });

  it("tensor ** number gives torch's results, C's pow where torch takes sqrt/rsqrt", () => {
    const x = tensor(xs, { dtype: 'float32' });
    ys.forEach((y, j) => {
      const got = x.pow(y).toArray() as number[];
      got.forEach((g, i) => {
        const want = sqrtShortcut(xs[i]!, y) ? cases.tensor[j]![i]! : cases.scalar[j]![i]!;
        check(g, dec(want), `pow(${xs[i]}, number ${y})`);
      });
    });
    // The shortcut's pairs do differ in the fixture (so the exception above is needed).
    ys.forEach((y, j) => {
      xs.forEach((x, i) => {
        if (!sqrtShortcut(x, y)) return;
        const [t, s] = [dec(cases.tensor[j]![i]!), dec(cases.scalar[j]![i]!)];
        expect(Object.is(t, s), `pow(${x}, ${y})`).toBe(false);
      });
    });
  });
});
