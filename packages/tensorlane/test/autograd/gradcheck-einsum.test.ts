/**
 * einsum's gradient (an einsum per operand): products, summed-away labels, ellipsis with
 * broadcasting, diagonals ('ii->i', traces, 'iij->ij'), three operands, a single operand.
 */
import { expect } from 'vitest';
import { einsum, manualSeed } from '../../src/index.js';
import { describeBackends } from '../backend-cases.js';
import { leaf } from './grad-leaves.js';
import { checkWeighted } from './weighted-gradcheck.js';

describeBackends('gradcheck: einsum', (it) => {
  it('matrix products, outer products, batched', () => {
    manualSeed(71);
    const [a, b] = [leaf(3, 4), leaf(4, 2)];
    expect(checkWeighted((a, b) => einsum('ik,kj->ij', a, b), [a, b])).toBe(true);
    expect(checkWeighted((a, b) => einsum('ik,kj->ji', a, b), [a, b])).toBe(true);
    expect(checkWeighted((a, b) => einsum('ij,kl->ijkl', a, b), [a, b])).toBe(true);
    const [q, k] = [leaf(2, 3, 4), leaf(2, 5, 4)];
    expect(checkWeighted((q, k) => einsum('bqd,bkd->bqk', q, k), [q, k])).toBe(true);
  });
  it('labels summed away in one operand, implicit output, scalar output', () => {
    manualSeed(72);
    const [a, b] = [leaf(3, 4), leaf(4, 5)];
    expect(checkWeighted((a, b) => einsum('ik,kj->i', a, b), [a, b])).toBe(true);
    expect(checkWeighted((a, b) => einsum('ik,kj', a, b), [a, b])).toBe(true);
    expect(checkWeighted((a) => einsum('ij->', a), [a])).toBe(true);
    expect(checkWeighted((a) => einsum('ij->j', a), [a])).toBe(true);
    expect(checkWeighted((a) => einsum('ij->ji', a), [a])).toBe(true);
  });
  it('diagonals: ii->i, trace, iij->ij, ii,i->i', () => {
    manualSeed(73);
    const [m, t, v] = [leaf(3, 3), leaf(3, 3, 2), leaf(3)];
    expect(checkWeighted((m) => einsum('ii->i', m), [m])).toBe(true);
    expect(checkWeighted((m) => einsum('ii', m), [m])).toBe(true);
    expect(checkWeighted((t) => einsum('iij->ij', t), [t])).toBe(true);
    expect(checkWeighted((t) => einsum('iij->j', t), [t])).toBe(true);
    expect(checkWeighted((m, v) => einsum('ii,i->i', m, v), [m, v])).toBe(true);
  });
  it('ellipsis with broadcasting (a size-1 batch dim)', () => {
    manualSeed(74);
    const [a, b] = [leaf(2, 1, 3, 4), leaf(3, 4, 2)];
    expect(checkWeighted((a, b) => einsum('...ij,...jk->...ik', a, b), [a, b])).toBe(true);
    const [c, d] = [leaf(1, 4), leaf(3, 4)];
    expect(checkWeighted((c, d) => einsum('ij,ij->ij', c, d), [c, d])).toBe(true);
  });
  it('three operands in any contraction order', () => {
    manualSeed(75);
    const [a, b, c] = [leaf(2, 3), leaf(3, 4), leaf(4, 2)];
    expect(checkWeighted((a, b, c) => einsum('ij,jk,kl->il', a, b, c), [a, b, c])).toBe(true);
    expect(checkWeighted((a, b, c) => einsum('ij,jk,ki->', a, b, c), [a, b, c])).toBe(true);
    expect(einsum('ij,jk,ki->', a, b, c).gradFn?.name).toBe('EinsumBackward');
  });
});
