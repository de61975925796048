/**
 * Integer-array and int32-tensor items in `get`/`set` (PyTorch's advanced indexing on one
 * dim): the result shapes, copies rather than views, negative positions, writes through
 * `set`, and the errors. Values against PyTorch are in combine-select-torch.test.ts.
 */
import { expect } from 'vitest';
import { arange, DtypeError, IndexError, ShapeError, tensor, zeros } from '../src/index.js';
import { testFail } from '../src/testing/index.js';
import { describeBackends } from './backend-cases.js';

describeBackends('get/set with an integer array', (it) => {
  const x = () => arange(24).view(2, 3, 4);

  it("x.get(':', [-1], ':') is x[:, [-1], :]", () => {
    const r = x().get(':', [-1], ':');
    expect(r.shape).toEqual([2, 1, 4]);
    expect(r.toArray()).toEqual([[[8, 9, 10, 11]], [[20, 21, 22, 23]]]);
  });

  it('the result is a copy, and basic items around the array still apply', () => {
    const t = x();
    const r = t.get(0, [2, 0]);
    expect(r.toArray()).toEqual([
      [8, 9, 10, 11],
      [0, 1, 2, 3],
    ]);
    r.fill_(-1);
    expect(t.get(0, 0).toArray()).toEqual([0, 1, 2, 3]);
    // torch applies ints first: x[0, :, [1, 2]] has shape [3, 2] (NumPy would give [2, 3]).
    expect(t.get(0, ':', [1, 2]).shape).toEqual([3, 2]);
    expect(t.get('...', [0, 0, 3]).shape).toEqual([2, 3, 3]);
    expect(t.get(null, [1]).shape).toEqual([1, 1, 3, 4]);
    expect(t.get('1:', ':', [])).toBeDefined();
    expect(t.get(':', []).shape).toEqual([2, 0, 4]);
  });

  it('an int32 tensor item puts its shape in place of the dim', () => {
    const t = x();
    const idx = tensor(
      [
        [0, 1],
        [2, 0],
      ],
      { dtype: 'int32' },
    );
    expect(t.get(':', idx).shape).toEqual([2, 2, 2, 4]);
    expect(t.get(':', ':', idx).get(1, 2).toArray()).toEqual([
      [20, 21],
      [22, 20],
    ]);
    expect(t.get(tensor(1, { dtype: 'int32' })).shape).toEqual([3, 4]);
    expect(t.get(':', tensor(-1, { dtype: 'int32' }), 0).toArray()).toEqual([8, 20]);
  });

  it('set writes a value or a broadcast tensor through the indexed positions', () => {
    const t = zeros(2, 3);
    t.set([':', [0, -1]], 1);
    expect(t.toArray()).toEqual([
      [1, 0, 1],
      [1, 0, 1],
    ]);
    t.set([[1]], tensor([7, 8, 9]));
    expect(t.toArray()).toEqual([
      [1, 0, 1],
      [7, 8, 9],
    ]);
    t.set([':', tensor([[2]], { dtype: 'int32' })], tensor([[[5]], [[6]]]));
    expect(t.get(':', 2).toArray()).toEqual([5, 6]);
    // The value may be the tensor itself (read before it is written).
    const u = arange(4);
    u.set([[0, 1]], u.get('2:'));
    expect(u.toArray()).toEqual([2, 3, 2, 3]);
    // Existing forms are unchanged: an array given to set is the list of items.
    const v = zeros(2, 2);
    v.set([0, 1], 5);
    expect(v.toArray()).toEqual([
      [0, 5],
      [0, 0],
    ]);
  });

  it('errors name the op, the value and the valid range', () => {
    const t = x();
    testFail(() => t.get(':', [3]), {
      type: IndexError,
      contains: 'get: index 3 is out of range for dim 1 of size 3 (expected -3..2)',
    });
    testFail(() => t.get([-3]), {
      type: IndexError,
      contains: 'get: index -3 is out of range for dim 0 of size 2',
    });
    testFail(() => t.clone().set([':', ':', [4]], 0), {
      type: IndexError,
      contains: 'set: index 4 is out of range for dim 2 of size 4 (expected -4..3)',
    });
    testFail(() => t.get([0], [1]), {
      type: IndexError,
      contains: 'only one item may be an integer array',
    });
    testFail(() => t.get(tensor([0.5])), {
      type: DtypeError,
      contains: 'get: an index tensor must be int32, got a float32 tensor of shape [1]',
    });
    testFail(() => t.get(tensor([true, false])), {
      type: IndexError,
      contains: 'boolean mask indexing is not supported',
    });
    testFail(() => t.get([1.5]), {
      type: IndexError,
      contains: 'an index array holds integers, got 1.5 at position 0',
    });
    testFail(() => t.get([[0]] as unknown as number[]), {
      type: IndexError,
      contains: 'a nested array (use an int32 tensor)',
    });
    testFail(() => t.clone().set([':', [0, 1]], tensor([1, 2, 3])), {
      type: ShapeError,
      contains: 'set: a value of shape [3] does not broadcast to the indexed shape [2, 2, 4]',
    });
    testFail(
      () =>
        zeros(3)
          .expand(2, 3)
          .set([[0]], 1),
      {
        type: ShapeError,
        contains: 'several elements share one memory location',
      },
    );
  });
});
