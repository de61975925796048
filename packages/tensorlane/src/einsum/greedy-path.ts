/**
 * NumPy's greedy contraction order (`_greedy_path`), ported step for step so that its
 * paths and FLOP counts match `np.einsum_path(..., optimize='greedy')`: repeatedly
 * contract the pair that removes the most elements (ties: fewest FLOPs), skipping outer
 * products until nothing else is left. Cubic in the operand count; used beyond the
 * operand counts where the exact search is affordable.
 */
import { findContraction, flopCount, type LabelSet, sizeOf } from './contraction-cost.js';
import type { ContractionPath } from './optimal-path.js';

interface Candidate {
  /** NumPy's sort key: (-removed size, flops). */
  readonly removed: number;
  readonly flops: number;
  readonly positions: readonly [number, number];
  /** Operand label sets after this contraction. */
  readonly sets: LabelSet[];
}

function candidate(
  positions: readonly [number, number],
  sets: readonly LabelSet[],
  output: LabelSet,
  sizes: readonly number[],
  memoryLimit: number,
  pathCost: number,
  naiveCost: number,
): Candidate | null {
  const c = findContraction(positions, sets, output);
  const newSize = sizeOf(c.result, sizes);
  if (newSize > memoryLimit) return null;
  const removed = sizeOf(sets[positions[0]]!, sizes) + sizeOf(sets[positions[1]]!, sizes) - newSize;
  const flops = flopCount(c.contracted, c.removed !== 0n, 2, sizes);
  if (pathCost + flops > naiveCost) return null;
  return { removed, flops, positions, sets: c.remaining };
}

function better(a: Candidate, b: Candidate): boolean {
  return a.removed > b.removed || (a.removed === b.removed && a.flops < b.flops);
}

/** Renumbers the candidates that survive contracting `best` (NumPy's `_update_other_results`). */
function updateCandidates(known: readonly Candidate[], best: Candidate): Candidate[] {
  const [bx, by] = best.positions;
  const bestResult = best.sets[best.sets.length - 1]!;
  const out: Candidate[] = [];
  for (const c of known) {
    const [x, y] = c.positions;
    if (x === bx || x === by || y === bx || y === by) continue;
    const sets = [...c.sets];
    sets.splice(by - Number(by > x) - Number(by > y), 1);
    sets.splice(bx - Number(bx > x) - Number(bx > y), 1);
    sets.splice(sets.length - 1, 0, bestResult);
    const pos: [number, number] = [
      x - Number(x > bx) - Number(x > by),
      y - Number(y > bx) - Number(y > by),
    ];
    out.push({ ...c, positions: pos, sets });
  }
  return out;
}

function allPairs(n: number): [number, number][] {
  const pairs: [number, number][] = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) pairs.push([i, j]);
  return pairs;
}

/**
 * The greedy path, with NumPy's sieves: no intermediate above `memoryLimit` elements and
 * no partial path costlier than contracting everything at once.
 */
export function greedyPath(
  inputs: readonly LabelSet[],
  output: LabelSet,
  sizes: readonly number[],
  memoryLimit: number,
): ContractionPath {
  const n = inputs.length;
  if (n === 1) return [[0]];
  if (n === 2) return [[0, 1]];
  const all = Array.from({ length: n }, (_, i) => i);
  const naive = findContraction(all, inputs, output);
  const naiveCost = flopCount(naive.contracted, naive.removed !== 0n, n, sizes);

  let sets = [...inputs];
  let pairs = allPairs(n);
  let known: Candidate[] = [];
  let pathCost = 0;
  const path: ContractionPath = [];
  const consider = (pos: [number, number]): void => {
    const c = candidate(pos, sets, output, sizes, memoryLimit, pathCost, naiveCost);
    if (c) known.push(c);
  };
  for (let iteration = 0; iteration < n - 1; iteration++) {
    for (const pos of pairs) {
      if ((sets[pos[0]]! & sets[pos[1]]!) === 0n) continue; // outer products wait
      consider(pos);
    }
    if (known.length === 0) {
      for (const pos of allPairs(sets.length)) consider(pos);
      if (known.length === 0) {
        path.push(Array.from({ length: sets.length }, (_, i) => i));
        break;
      }
    }
    let best = known[0]!;
    for (const c of known) if (better(c, best)) best = c;
    known = updateCandidates(known, best);
    sets = best.sets;
    const fresh = sets.length - 1;
    pairs = Array.from({ length: fresh }, (_, i): [number, number] => [i, fresh]);
    path.push([...best.positions]);
    pathCost += best.flops;
  }
  return path;
}
