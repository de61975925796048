/**
 * An einsum equation bound to operand shapes: every dim of every operand gets a label id,
 * `...` is expanded to right-aligned broadcast dims, the output is resolved (implicit mode
 * included) and every label gets its size. All shape rules are checked here, so later
 * stages (planner, lowering) can trust the spec.
 */
import { fmtShape } from '../errors.js';
import { ELLIPSIS, einsumError, type ParsedTerm, parseEquation } from './parse-equation.js';

/** Letters get ids 0..51 in ASCII order (`A`..`Z`, `a`..`z`); ellipsis dims follow. */
export const FIRST_ELLIPSIS_ID = 52;

/** A checked einsum: label ids per operand dim and per output dim, and each label's size. */
export interface EinsumSpec {
  readonly equation: string;
  /** Label id of each dim of each operand (repeated ids in one operand = a diagonal). */
  readonly inputs: readonly (readonly number[])[];
  /** Label id of each output dim; ids are distinct. */
  readonly output: readonly number[];
  /** Size of each label id after broadcasting (`sizes[id]`; unused ids hold 0). */
  readonly sizes: readonly number[];
  /** Printable name of each label id: its letter, or for an ellipsis dim an unused letter. */
  readonly names: readonly string[];
  readonly inputShapes: readonly (readonly number[])[];
  readonly outputShape: readonly number[];
}

/** The id of a letter label. */
export function letterId(ch: string): number {
  const code = ch.charCodeAt(0);
  return code <= 90 ? code - 65 : code - 97 + 26;
}

function letterOf(id: number): string {
  return String.fromCharCode(id < 26 ? 65 + id : 97 + id - 26);
}

/** How many dims `...` covers in this operand (validated against its rank). */
function ellipsisWidth(eq: string, term: ParsedTerm, shape: readonly number[], n: number): number {
  const named = term.labels.filter((l) => l !== ELLIPSIS).length;
  const hasEllipsis = named !== term.labels.length;
  const width = shape.length - named;
  if (hasEllipsis ? width < 0 : width !== 0) {
    const need = hasEllipsis ? `at least ${named}` : `${named}`;
    throw einsumError(
      eq,
      term.start,
      `operand ${n} has shape ${fmtShape(shape)} (${shape.length} dims) but its term has ${need} labels`,
    );
  }
  return width;
}

/**
 * Binds an equation to operand shapes and checks every rule: operand count = number of
 * terms, term length = rank, one size per letter label (a size-1 dim broadcasts
 * against the label's size in another operand, as in NumPy and PyTorch; a repeated label
 * within one operand needs equal sizes), output labels present in the inputs and not repeated,
 * `...` in the output only when an input has it. Implicit mode outputs the ellipsis dims
 * followed by the letters seen exactly once, in ASCII order (uppercase first), like NumPy.
 *
 * @example einsumSpec('ii->i', [[3, 3]]).outputShape // → [3]
 */
export function einsumSpec(equation: string, shapes: readonly (readonly number[])[]): EinsumSpec {
  const parsed = parseEquation(equation);
  const eq = equation;
  if (parsed.inputs.length !== shapes.length) {
    const extra = parsed.inputs[shapes.length];
    const where = extra ? extra.start : equation.length;
    throw einsumError(
      eq,
      where,
      `the equation has ${parsed.inputs.length} input terms but ${shapes.length} operands were given`,
    );
  }
  const widths = parsed.inputs.map((t, n) => ellipsisWidth(eq, t, shapes[n]!, n));
  const ellipsisDims = Math.max(0, ...widths);
  const sizes: number[] = new Array(FIRST_ELLIPSIS_ID + ellipsisDims).fill(0);
  const known: boolean[] = new Array(sizes.length).fill(false);
  // For messages: where a letter's size was first fixed.
  const firstSeen: string[] = [];

  const inputs = parsed.inputs.map((term, n) => {
    const shape = shapes[n]!;
    const ids: number[] = [];
    term.labels.forEach((label, k) => {
      const pos = term.positions[k]!;
      if (label === ELLIPSIS) {
        const width = widths[n]!;
        for (let j = 0; j < width; j++) {
          const id = FIRST_ELLIPSIS_ID + ellipsisDims - width + j;
          const size = shape[ids.length]!;
          if (!known[id] || sizes[id] === 1) sizes[id] = size;
          else if (size !== 1 && size !== sizes[id]) {
            throw einsumError(
              eq,
              pos,
              `'...' of operand ${n} (shape ${fmtShape(shape)}) does not broadcast: ` +
                `dim of size ${size} against ${sizes[id]}`,
            );
          }
          known[id] = true;
          ids.push(id);
        }
        return;
      }
      const id = letterId(label);
      const size = shape[ids.length]!;
      const where = `operand ${n} dim ${ids.length}`;
      const repeat = ids.indexOf(id);
      if (repeat >= 0 && shape[repeat] !== size) {
        throw einsumError(
          eq,
          pos,
          `label '${label}' is repeated in operand ${n} (shape ${fmtShape(shape)}) with sizes ` +
            `${shape[repeat]} and ${size}; a diagonal needs equal sizes`,
        );
      }
      if (!known[id] || (sizes[id] === 1 && size !== 1)) {
        // A size-1 dim broadcasts against the label's size in another operand, as in NumPy.
        sizes[id] = size;
        known[id] = true;
        firstSeen[id] = where;
      } else if (size !== 1 && sizes[id] !== size) {
        throw einsumError(
          eq,
          pos,
          `label '${label}' has size ${size} at ${where} (shape ${fmtShape(shape)}) but size ` +
            `${sizes[id]} at ${firstSeen[id]}; sizes of one label must match or be 1`,
        );
      }
      ids.push(id);
    });
    return ids;
  });

  const output = parsed.output
    ? explicitOutput(eq, parsed.output, parsed.inputs, known, ellipsisDims)
    : implicitOutput(inputs, ellipsisDims);

  return {
    equation,
    inputs,
    output,
    sizes,
    names: labelNames(sizes.length, known),
    inputShapes: shapes.map((s) => [...s]),
    outputShape: output.map((id) => sizes[id]!),
  };
}

function explicitOutput(
  eq: string,
  term: ParsedTerm,
  inputTerms: readonly ParsedTerm[],
  known: readonly boolean[],
  ellipsisDims: number,
): number[] {
  const ids: number[] = [];
  const seen = new Set<string>();
  term.labels.forEach((label, k) => {
    const pos = term.positions[k]!;
    if (seen.has(label)) {
      throw einsumError(eq, pos, `output label '${label}' appears more than once`);
    }
    seen.add(label);
    if (label === ELLIPSIS) {
      if (!inputTerms.some((t) => t.labels.includes(ELLIPSIS))) {
        throw einsumError(eq, pos, "'...' in the output needs '...' in at least one input");
      }
      for (let j = 0; j < ellipsisDims; j++) ids.push(FIRST_ELLIPSIS_ID + j);
      return;
    }
    const id = letterId(label);
    if (!known[id]) throw einsumError(eq, pos, `output label '${label}' is not in any input`);
    ids.push(id);
  });
  return ids;
}

function implicitOutput(inputs: readonly (readonly number[])[], ellipsisDims: number): number[] {
  const count = new Map<number, number>();
  for (const ids of inputs) for (const id of ids) count.set(id, (count.get(id) ?? 0) + 1);
  const out: number[] = [];
  for (let j = 0; j < ellipsisDims; j++) out.push(FIRST_ELLIPSIS_ID + j);
  for (let id = 0; id < FIRST_ELLIPSIS_ID; id++) if (count.get(id) === 1) out.push(id);
  return out;
}

/** Letters name themselves; ellipsis dims borrow unused letters from 'z' downwards. */
function labelNames(total: number, known: readonly boolean[]): string[] {
  const names: string[] = [];
  for (let id = 0; id < FIRST_ELLIPSIS_ID; id++) names.push(letterOf(id));
  let spare = FIRST_ELLIPSIS_ID - 1;
  for (let id = FIRST_ELLIPSIS_ID; id < total; id++) {
    while (spare >= 0 && known[spare]) spare -= 1;
    names.push(spare >= 0 ? letterOf(spare) : `(${id - FIRST_ELLIPSIS_ID})`);
    spare -= 1;
  }
  return names;
}
