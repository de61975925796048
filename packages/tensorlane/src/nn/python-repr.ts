/** Python's `repr` of a float, for PyTorch's module reprs (`eps=1e-05`, `p=0.5`, `1.0`). */
export function pyRepr(x: number): string {
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-4 || a >= 1e16))
    return x.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  return Number.isInteger(x) ? `${x}.0` : String(x);
}
