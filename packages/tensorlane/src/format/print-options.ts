/** PyTorch's printing knobs (`torch.set_printoptions`), with its defaults. */
export interface PrintOptions {
  /** Digits after the point in fixed and scientific notation. */
  readonly precision: number;
  /** More elements than this and the printout is summarised with `...`. */
  readonly threshold: number;
  /** Items kept at each end of a summarised dimension. */
  readonly edgeitems: number;
  /** Characters per line before a row of numbers wraps. */
  readonly linewidth: number;
  /**
   * Float notation: `null` picks as torch does (scientific for a wide range or tiny
   * values), `true` always scientific, `false` never (column widths still follow the
   * automatic choice, as in torch).
   */
  readonly sciMode: boolean | null;
}

export const DEFAULT_PRINT_OPTIONS: PrintOptions = {
  precision: 4,
  threshold: 1000,
  edgeitems: 3,
  linewidth: 80,
  sciMode: null,
};

let current: PrintOptions = DEFAULT_PRINT_OPTIONS;

/** The options printing uses now (`setPrintOptions` changes them). */
export function currentPrintOptions(): PrintOptions {
  return current;
}

/** Replaces the options printing uses (checked by `setPrintOptions`). */
export function replacePrintOptions(options: PrintOptions): void {
  current = options;
}
