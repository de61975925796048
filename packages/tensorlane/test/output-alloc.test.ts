/**
 * Op outputs are allocated without zero-filling (the kernel writes every element). Poison
 * freed wasm blocks first, so an element a kernel forgot to write shows up as a wrong value.
 */
import { describe, expect, it } from 'vitest';
import { full, setBackend, type Tensor, tensor } from '../src/index.js';

function poisonFreedBlocks(): void {
  for (const n of [1, 5, 17, 127, 1024]) full([n], 12345.5).dispose();
}

function onBoth(make: () => Tensor): [unknown, unknown] {
  setBackend('js');
  const expected = make().toArray();
  setBackend('wasm');
  poisonFreedBlocks();
  const actual = make().toArray();
  return [actual, expected];
}

describe('op outputs over reused wasm memory', () => {
  const a = () =>
    tensor([
      [1, -2, 3.5],
      [4, 5, -6],
    ]);
  const cases: [string, () => Tensor][] = [
    ['broadcast add', () => a().add(tensor([1, 2, 3]))],
    ['scalar mul of a transposed view', () => a().T.mul(3)],
    ['comparison to bool', () => a().gt(tensor([[0], [4.5]]))],
    ['unary sqrt (correctly rounded in both backends)', () => a().abs().sqrt()],
    ['cast to int32', () => a().int()],
    ['clone of a transposed view', () => a().T.clone()],
    ['int32 add', () => tensor([1, 2, 3, 4, 5]).add(tensor([10, 20, 30, 40, 50]))],
    ['matmul (the gemm writes every element)', () => a().matmul(a().T)],
    ['matmul with k = 0 (the empty sum is zeros)', () => full([2, 0], 1).matmul(full([0, 3], 1))],
  ];
  for (const [name, make] of cases)
    it(name, () => {
      try {
        const [actual, expected] = onBoth(make);
        expect(actual).toEqual(expected);
      } finally {
        setBackend('wasm');
      }
    });
});
