/**
 * The syntax of an einsum equation (NumPy's grammar), before any shape is known:
 * comma-separated input terms, an optional `->` and output term, letters `A-Z a-z` as
 * labels, at most one `...` per term, spaces anywhere. Shape-dependent checks (ellipsis
 * width, label sizes, operand count) live in `einsum-spec.ts`.
 */
import { EinsumError } from '../errors.js';

/** The token that stands for `...` in a term's label list. */
export const ELLIPSIS = '...';

/** One term (`'ij'`, `'...k'`) with where each label sits in the equation. */
export interface ParsedTerm {
  /** Letters and at most one `ELLIPSIS`, in order. */
  readonly labels: readonly string[];
  /** 0-based character position of each entry of `labels` in the equation. */
  readonly positions: readonly number[];
  /** Position where the term starts (or would start, for an empty term). */
  readonly start: number;
}

/** An equation split into terms; `output` is null in implicit mode (no `->`). */
export interface ParsedEquation {
  readonly equation: string;
  readonly inputs: readonly ParsedTerm[];
  readonly output: ParsedTerm | null;
}

/** True for the 52 einsum labels `A-Z a-z`. */
export function isLabel(ch: string): boolean {
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

/** An `EinsumError` whose message quotes the equation and the position. */
export function einsumError(equation: string, position: number, rule: string): EinsumError {
  return new EinsumError(`einsum: '${equation}' at position ${position}: ${rule}`, position);
}

class TermBuilder {
  readonly labels: string[] = [];
  readonly positions: number[] = [];
  constructor(readonly start: number) {}
  build(): ParsedTerm {
    return { labels: this.labels, positions: this.positions, start: this.start };
  }
}

/**
 * Splits an equation into terms, rejecting bad characters, a misplaced `->`, a malformed
 * or repeated `...`, and a comma after `->`.
 *
 * @example parseEquation('ij,jk->ik').inputs[1].labels // → ['j', 'k']
 */
export function parseEquation(equation: string): ParsedEquation {
  const inputs: ParsedTerm[] = [];
  let output: ParsedTerm | null = null;
  let term = new TermBuilder(0);
  let inOutput = false;
  let i = 0;
  while (i < equation.length) {
    const ch = equation[i]!;
    if (ch === ' ') {
      i += 1;
    } else if (isLabel(ch)) {
      term.labels.push(ch);
      term.positions.push(i);
      i += 1;
    } else if (ch === '.') {
      if (equation.slice(i, i + 3) !== '...') {
        throw einsumError(equation, i, "'.' is only allowed as part of '...'");
      }
      if (term.labels.includes(ELLIPSIS)) {
        throw einsumError(equation, i, "a term may contain '...' only once");
      }
      term.labels.push(ELLIPSIS);
      term.positions.push(i);
      i += 3;
    } else if (ch === ',') {
      if (inOutput) throw einsumError(equation, i, "the output (after '->') is a single term");
      inputs.push(term.build());
      term = new TermBuilder(i + 1);
      i += 1;
    } else if (ch === '-' || ch === '>') {
      if (ch === '>' || equation[i + 1] !== '>') {
        throw einsumError(equation, i, "'-' and '>' are only allowed together as '->'");
      }
      if (inOutput) throw einsumError(equation, i, "an equation contains '->' at most once");
      inputs.push(term.build());
      term = new TermBuilder(i + 2);
      inOutput = true;
      i += 2;
    } else {
      throw einsumError(
        equation,
        i,
        `character '${ch}' is not a label (labels are the letters A-Z and a-z)`,
      );
    }
  }
  if (inOutput) output = term.build();
  else inputs.push(term.build());
  return { equation, inputs, output };
}
