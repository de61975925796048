import { describe, expect, it } from 'vitest';
import { einsumSpec, FIRST_ELLIPSIS_ID, letterId } from '../src/einsum/einsum-spec.js';
import { parseEquation } from '../src/einsum/parse-equation.js';
import { EinsumError } from '../src/errors.js';

const ids = (s: string) => [...s].map(letterId);

/** Runs `fn`, expecting an EinsumError at `position` whose message contains `rule`. */
function expectEinsumError(fn: () => unknown, position: number, rule: string): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(EinsumError);
  const err = caught as EinsumError;
  expect(err.position).toBe(position);
  expect(err.message).toContain(rule);
}

describe('parseEquation', () => {
  it('splits terms and records label positions, skipping spaces', () => {
    const p = parseEquation(' i j , j k -> i k ');
    expect(p.inputs.map((t) => t.labels)).toEqual([
      ['i', 'j'],
      ['j', 'k'],
    ]);
    expect(p.inputs[1]!.positions).toEqual([7, 9]);
    expect(p.output!.labels).toEqual(['i', 'k']);
    expect(p.output!.positions).toEqual([14, 16]);
  });

  it('is implicit (output null) without an arrow, and keeps empty terms', () => {
    const p = parseEquation(',');
    expect(p.output).toBeNull();
    expect(p.inputs.length).toBe(2);
    expect(parseEquation('i->').output!.labels).toEqual([]);
  });

  it('reads "..." as one token', () => {
    expect(parseEquation('a...b->...').inputs[0]!.labels).toEqual(['a', '...', 'b']);
  });

  it.each([
    ['ij,j#->i', 4, "character '#' is not a label"],
    ['ij,j1', 4, "character '1' is not a label"],
    ['ij->j->i', 5, "'->' at most once"],
    ['ij-j', 2, "only allowed together as '->'"],
    ['ij>j', 2, "only allowed together as '->'"],
    ['i..j', 1, "'.' is only allowed as part of '...'"],
    ['...i...', 4, "'...' only once"],
    ['ij->i,j', 5, 'the output (after'],
  ])('rejects %j at position %i (%s)', (eq, pos, rule) => {
    expectEinsumError(() => parseEquation(eq), pos, rule);
  });
});

describe('einsumSpec', () => {
  it('binds labels, sizes and an explicit output', () => {
    const s = einsumSpec('ij,jk->ki', [
      [2, 3],
      [3, 4],
    ]);
    expect(s.inputs).toEqual([ids('ij'), ids('jk')]);
    expect(s.output).toEqual(ids('ki'));
    expect(s.outputShape).toEqual([4, 2]);
  });

  it('implicit mode outputs the labels seen once in ASCII order (uppercase first)', () => {
    expect(
      einsumSpec('ij,jh', [
        [2, 3],
        [3, 4],
      ]).output,
    ).toEqual(ids('hi'));
    expect(einsumSpec('ba', [[2, 3]]).outputShape).toEqual([3, 2]);
    expect(
      einsumSpec('aB,Ba', [
        [2, 3],
        [3, 2],
      ]).output,
    ).toEqual([]);
    expect(einsumSpec('bA,c', [[2, 3], [4]]).output).toEqual(ids('Abc'));
    // A repeated label is summed in implicit mode: 'ii' is the trace.
    expect(einsumSpec('ii', [[3, 3]]).output).toEqual([]);
  });

  it('expands "..." right-aligned with size-1 broadcasting and puts it first in implicit mode', () => {
    const s = einsumSpec('...a,...a', [
      [2, 3],
      [4, 1, 3],
    ]);
    const e = FIRST_ELLIPSIS_ID;
    expect(s.inputs).toEqual([
      [e + 1, letterId('a')],
      [e, e + 1, letterId('a')],
    ]);
    expect(s.output).toEqual([e, e + 1]);
    expect(s.outputShape).toEqual([4, 2]);
  });

  it('broadcasts a size-1 dim of a label against its size in another operand, as NumPy', () => {
    expect(
      einsumSpec('ij,ij->j', [
        [10, 2],
        [1, 2],
      ]).outputShape,
    ).toEqual([2]);
    expect(einsumSpec('i,i', [[1], [5]]).outputShape).toEqual([]);
    expect(einsumSpec('i,i->i', [[5], [1]]).outputShape).toEqual([5]);
    expect(
      einsumSpec('ij,jk', [
        [2, 1],
        [3, 4],
      ]).outputShape,
    ).toEqual([2, 4]);
    expect(einsumSpec('i,i->i', [[1], [1]]).outputShape).toEqual([1]);
  });

  it('accepts scalars and "..." that covers no dims', () => {
    expect(einsumSpec('...,...', [[], [3, 1]]).outputShape).toEqual([3, 1]);
    expect(einsumSpec('i,->i', [[3], []]).outputShape).toEqual([3]);
    expect(einsumSpec('', [[]]).outputShape).toEqual([]);
    expect(einsumSpec('...ij->...ji', [[2, 3]]).outputShape).toEqual([3, 2]);
  });

  it('sums ellipsis dims the output leaves out (as torch does)', () => {
    expect(einsumSpec('...i->i', [[2, 5, 3]]).outputShape).toEqual([3]);
  });

  it('gives ellipsis dims printable names that collide with no label', () => {
    const s = einsumSpec('z...->...', [[2, 3, 4]]);
    expect(s.output.map((id) => s.names[id])).toEqual(['y', 'x']);
  });

  it.each<[string, number[][], number, string]>([
    ['ij,jk->ik', [[2, 3]], 3, '2 input terms but 1 operands'],
    ['ij->ij', [[2, 3], [3]], 6, '1 input terms but 2 operands'],
    [
      'ij,jk',
      [
        [2, 3],
        [4, 5],
      ],
      3,
      "label 'j' has size 4",
    ],
    ['ii->i', [[2, 3]], 1, "label 'i' is repeated in operand 0 (shape [2, 3]) with sizes 2 and 3"],
    ['ii,i', [[1, 3], [3]], 1, "label 'i' is repeated in operand 0"],
    [
      'ij,jk',
      [
        [2, 2],
        [3, 4],
      ],
      3,
      "label 'j' has size 3",
    ],
    ['ijk', [[2, 3]], 0, 'has 3 labels'],
    ['i,ijk', [[2], [2, 3]], 2, 'has 3 labels'],
    ['ij...', [[2]], 0, 'at least 2 labels'],
    [
      '...i,...i',
      [
        [2, 3],
        [4, 3],
      ],
      5,
      'does not broadcast',
    ],
    ['ij->ik', [[2, 3]], 5, "output label 'k' is not in any input"],
    ['ij->ii', [[2, 3]], 5, "output label 'i' appears more than once"],
    ['...i->......', [[2, 3]], 9, "'...' only once"],
    ['ij->...ij', [[2, 3]], 4, "'...' in the output needs '...' in at least one input"],
  ])('rejects %j on %j at position %i (%s)', (eq, shapes, pos, rule) => {
    expectEinsumError(() => einsumSpec(eq, shapes), pos, rule);
  });

  it('names the operand shapes in size errors', () => {
    expect(() =>
      einsumSpec('ij,jk', [
        [2, 3],
        [4, 5],
      ]),
    ).toThrow(
      "einsum: 'ij,jk' at position 3: label 'j' has size 4 at operand 1 dim 0 (shape [4, 5]) but size 3 at operand 0 dim 1",
    );
  });
});
