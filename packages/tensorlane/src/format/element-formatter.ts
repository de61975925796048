/**
 * How each element is spelled and how wide the column is: PyTorch's `_Formatter`.
 *
 * Floats pick one of three notations from the nonzero finite values only: integer mode
 * (`1.`), fixed (`0.1000`) or scientific (`1.0000e-05`). The column width also comes
 * from those values, so `nan`, `inf` and `0.` never widen it (torch prints
 * `tensor([1.5000,    inf])`, and `tensor([0., nan])` unpadded).
 */
import type { PrintOptions } from './print-options.js';
import { pyExp, pyFixed } from './python-float.js';

export type ElementKind = 'float' | 'int' | 'bool';

export interface ElementFormatter {
  /** Column width: the widest spelling among the values it was built from. */
  readonly width: number;
  /** The element spelled and right-aligned to the column width. */
  format(value: number): string;
}

function padLeft(text: string, width: number): string {
  return text.length >= width ? text : ' '.repeat(width - text.length) + text;
}

function intFormatter(values: ArrayLike<number>, spell: (v: number) => string): ElementFormatter {
  let width = 1;
  for (let i = 0; i < values.length; i++) width = Math.max(width, spell(values[i]!).length);
  return { width, format: (v) => padLeft(spell(v), width) };
}

const spellBool = (v: number): string => (v ? 'True' : 'False');
const spellInt = (v: number): string => String(v);

function floatFormatter(
  values: ArrayLike<number>,
  precision: number,
  sciMode: boolean | null,
): ElementFormatter {
  let integral = true;
  let minAbs = Infinity;
  let maxAbs = 0;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v === 0 || !Number.isFinite(v)) continue;
    count++;
    const a = Math.abs(v);
    if (a < minAbs) minAbs = a;
    if (a > maxAbs) maxAbs = a;
    if (v !== Math.ceil(v)) integral = false;
  }
  let mode: 'int' | 'fixed' | 'sci' = 'int';
  let width = 1;
  if (count > 0) {
    const wideRange = maxAbs / minAbs > 1000 || maxAbs > 1e8;
    // Integers never trigger the small-magnitude rule: they are all at least 1.
    if (wideRange || (!integral && minAbs < 1e-4)) mode = 'sci';
    else mode = integral ? 'int' : 'fixed';
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v === 0 || !Number.isFinite(v)) continue;
      const len =
        mode === 'sci'
          ? pyExp(v, precision).length
          : mode === 'int'
            ? pyFixed(v, 0).length + 1
            : pyFixed(v, precision).length;
      if (len > width) width = len;
    }
  }
  // A forced notation changes the spelling only: torch keeps the automatic column width.
  if (sciMode === true) mode = 'sci';
  else if (sciMode === false && mode === 'sci') mode = integral ? 'int' : 'fixed';
  const spell = (v: number): string => {
    if (mode === 'sci') return pyExp(v, precision);
    if (mode === 'fixed') return pyFixed(v, precision);
    // The trailing point marks a float dtype; nan and inf stay bare.
    return Number.isFinite(v) ? `${pyFixed(v, 0)}.` : pyFixed(v, 0);
  };
  return { width, format: (v) => padLeft(spell(v), width) };
}

/**
 * Builds the formatter from the values that will be shown (only the edge items when
 * the printout is summarised, as PyTorch does).
 */
export function elementFormatter(
  kind: ElementKind,
  shownValues: ArrayLike<number>,
  options: PrintOptions,
): ElementFormatter {
  if (kind === 'bool') return intFormatter(shownValues, spellBool);
  if (kind === 'int') return intFormatter(shownValues, spellInt);
  return floatFormatter(shownValues, options.precision, options.sciMode);
}
