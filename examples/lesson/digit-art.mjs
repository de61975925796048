// A digit as terminal art: the lesson's `plt.imshow(img.view(28, 28))` for a terminal.

const RAMP = ' ░▒▓█';

/**
 * Draws a grayscale image as text, two characters per pixel (terminal cells are about
 * twice as tall as wide), leaving out all-blank rows at the top and bottom.
 * @param {ArrayLike<number>} pixels row-major intensities in [0, 1]
 * @param {number} rows
 * @param {number} cols
 * @returns {string} lines joined by '\n'
 * @example digitArt(image, 28, 28) // '      ▒▓██▓░ …'
 */
export function digitArt(pixels, rows, cols) {
  const lines = [];
  for (let r = 0; r < rows; r++) {
    let line = '';
    for (let c = 0; c < cols; c++) {
      const v = Math.min(1, Math.max(0, pixels[r * cols + c]));
      const ch = RAMP[Math.min(RAMP.length - 1, Math.round(v * (RAMP.length - 1)))];
      line += ch + ch;
    }
    lines.push(line.trimEnd());
  }
  while (lines.length && lines[0] === '') lines.shift();
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines.join('\n');
}
