/**
 * `setPrintOptions`, the checked public entry to the printing knobs (kept apart from
 * `print-options.ts`, which the formatter reads without importing the argument checks).
 */
import {
  expectBoolean,
  expectInt,
  expectNumber,
  expectOneOf,
  expectOptions,
} from '../argument-checks.js';
import { ArgumentError } from '../errors.js';
import { currentPrintOptions, type PrintOptions, replacePrintOptions } from './print-options.js';

/** Arguments of `setPrintOptions`: any subset of the knobs, or a named `profile`. */
export interface SetPrintOptions extends Partial<PrintOptions> {
  /** torch's presets: `'default'`, `'short'` (precision 2, edgeitems 2) or `'full'` (no summary). */
  readonly profile?: 'default' | 'short' | 'full';
}

const PROFILES: Record<NonNullable<SetPrintOptions['profile']>, Partial<PrintOptions>> = {
  default: { precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80 },
  short: { precision: 2, threshold: 1000, edgeitems: 2, linewidth: 80 },
  full: { precision: 4, threshold: Number.POSITIVE_INFINITY, edgeitems: 3, linewidth: 80 },
};

/**
 * Sets how tensors print, as `torch.set_printoptions`: only the options given change
 * (a `profile` first resets precision, threshold, edgeitems and linewidth to its preset);
 * an unknown option is an `ArgumentError`. `setPrintOptions({ profile: 'default', sciMode:
 * null })` restores the defaults.
 * @example setPrintOptions({ precision: 2 }); String(tensor([1 / 3])) // → 'tensor([0.33])'
 * setPrintOptions({ precision: 4 })
 */
export function setPrintOptions(options: SetPrintOptions): void {
  const op = 'setPrintOptions';
  const o = expectOptions(op, options, [
    'precision',
    'threshold',
    'edgeitems',
    'linewidth',
    'sciMode',
    'profile',
  ]);
  let next: PrintOptions = currentPrintOptions();
  if (o.profile !== undefined)
    next = {
      ...next,
      ...PROFILES[expectOneOf(op, 'profile', o.profile, ['default', 'short', 'full'])],
    };
  const changed: { -readonly [K in keyof PrintOptions]?: PrintOptions[K] } = {};
  if (o.precision !== undefined)
    changed.precision = expectInt(op, 'precision', o.precision, 0, 100);
  if (o.threshold !== undefined) {
    changed.threshold = expectNumber(op, 'threshold', o.threshold);
    if (!(changed.threshold >= 0))
      throw new ArgumentError(`${op}: threshold must be ≥ 0, got ${changed.threshold}`);
  }
  if (o.edgeitems !== undefined) changed.edgeitems = expectInt(op, 'edgeitems', o.edgeitems, 0);
  if (o.linewidth !== undefined) changed.linewidth = expectInt(op, 'linewidth', o.linewidth, 1);
  if (o.sciMode !== undefined)
    changed.sciMode = o.sciMode === null ? null : expectBoolean(op, 'sciMode', o.sciMode);
  replacePrintOptions({ ...next, ...changed });
}

/** The knobs printing uses now (a copy). @example printOptions().precision // → 4 */
export function printOptions(): PrintOptions {
  return { ...currentPrintOptions() };
}
