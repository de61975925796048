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
}

export const DEFAULT_PRINT_OPTIONS: PrintOptions = {
  precision: 4,
  threshold: 1000,
  edgeitems: 3,
  linewidth: 80,
};
