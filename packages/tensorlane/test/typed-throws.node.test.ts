/**
 * Everything the library throws on bad input is a `TensorlaneError` subclass (docs/errors.md),
 * so callers can catch one class. This scans `src/` for errors built from anything else;
 * the one exception is `TestFailure`, the assertion failure of `tensorlane/testing`, which
 * reports a failed test rather than bad input (as Node's `AssertionError`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import * as errors from '../src/errors.js';

const src = fileURLToPath(new URL('../src/', import.meta.url));
const ALLOWED_OTHERS = new Set(['TestFailure']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sourceFiles(join(dir, e.name))
      : e.name.endsWith('.ts')
        ? [join(dir, e.name)]
        : [],
  );
}

const typed = (name: string) => {
  const cls = (errors as Record<string, unknown>)[name];
  return typeof cls === 'function' && cls.prototype instanceof errors.TensorlaneError;
};

it('src/ constructs only TensorlaneError subclasses (and TestFailure)', () => {
  const offenders: string[] = [];
  let constructed = 0;
  for (const file of sourceFiles(src)) {
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, i) => {
      for (const m of line.matchAll(/\bnew (\w*Error|TestFailure)\(/g)) {
        constructed++;
        const name = m[1]!;
        if (!typed(name) && !ALLOWED_OTHERS.has(name))
          offenders.push(`${relative(src, file)}:${i + 1}: new ${name}`);
      }
    });
  }
  expect(constructed).toBeGreaterThan(50);
  expect(offenders).toEqual([]);
});

it('the scan recognises a bare error', () => {
  expect(typed('RangeError')).toBe(false);
  expect(typed('ShapeError')).toBe(true);
  expect(typed('ArgumentError')).toBe(true);
});
