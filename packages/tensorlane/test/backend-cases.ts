/**
 * Runs a block of tests once per backend (js, then wasm), switching the current backend
 * before each test so tensors made inside it live on that backend.
 */
import { describe, it } from 'vitest';
import { type BackendName, setBackend } from '../src/backend/current.js';

export const BACKENDS: readonly BackendName[] = ['js', 'wasm'];

/** An `it` that first makes `backend` current. */
export type BackendIt = (name: string, fn: () => void | Promise<void>) => void;

/**
 * `describe(title [backend], …)` for each backend.
 * @example describeBackends('add', (it) => { it('adds', () => { … }); });
 */
export function describeBackends(
  title: string,
  body: (it: BackendIt, backend: BackendName) => void,
): void {
  for (const backend of BACKENDS) {
    describe(`${title} [${backend}]`, () => {
      const bit: BackendIt = (name, fn) =>
        it(name, () => {
          setBackend(backend);
          return fn();
        });
      body(bit, backend);
    });
  }
}
