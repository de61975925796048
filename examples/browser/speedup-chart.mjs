// The bar chart of speedups over the triple loop: tensorlane's bar beside the lesson's
// Python figure for each method, on a log scale (1× to ~100,000×), as an SVG string.

const escapeXml = (s) =>
  String(s).replace(
    /[&<>"]/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c],
  );

/**
 * @param {{ label: string, speedup: number, lesson?: { speedup: number } }[]} rows
 * @returns {string} an SVG element
 */
export function speedupChart(rows) {
  const left = 290;
  const plot = 560;
  const top = 10;
  const bar = 14;
  const maxValue = Math.max(10, ...rows.flatMap((r) => [r.speedup, r.lesson?.speedup ?? 1]));
  const decades = Math.ceil(Math.log10(maxValue));
  const x = (v) => left + (plot * Math.log10(Math.max(1, v))) / decades;
  const parts = [];
  let y = top;
  for (const r of rows) {
    parts.push(
      `<text x="${left - 8}" y="${y + 15}" text-anchor="end" class="l">${escapeXml(r.label)}</text>`,
    );
    const bars = [['tensorlane', r.speedup, '#1f6feb']];
    if (r.lesson) bars.push(['lesson (Python)', r.lesson.speedup, '#bf8700']);
    for (const [, value, color] of bars) {
      const w = Math.max(2, x(value) - left);
      parts.push(
        `<rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="${bar - 2}" fill="${color}"/>`,
      );
      const text = value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toPrecision(3);
      parts.push(`<text x="${(left + w + 4).toFixed(1)}" y="${y + 10}" class="v">${text}×</text>`);
      y += bar;
    }
    y += 8;
  }
  const axis = [];
  for (let d = 0; d <= decades; d++) {
    const px = x(10 ** d).toFixed(1);
    axis.push(`<line x1="${px}" y1="${top}" x2="${px}" y2="${y}" stroke="#d0d7de"/>`);
    axis.push(
      `<text x="${px}" y="${y + 12}" text-anchor="middle" class="v">${(10 ** d).toLocaleString('en-US')}×</text>`,
    );
  }
  const height = y + 40;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${left + plot + 90}" height="${height}" font-family="system-ui, sans-serif">`,
    '<style>.l{font-size:12px}.v{font-size:10px;fill:#1f2328}</style>',
    ...axis,
    ...parts,
    `<rect x="${left}" y="${y + 22}" width="10" height="10" fill="#1f6feb"/><text x="${left + 14}" y="${y + 31}" class="v">tensorlane, this browser</text>`,
    `<rect x="${left + 170}" y="${y + 22}" width="10" height="10" fill="#bf8700"/><text x="${left + 184}" y="${y + 31}" class="v">the lesson: Python + PyTorch, 2019</text>`,
    '</svg>',
  ].join('');
}
