// The results as a hand-written SVG bar chart: one block per workload, one bar per
// contender, on a log scale (rates span from 0.1 GFLOP/s loops to tens of GFLOP/s
// kernels, so a linear axis would hide the slow bars). No dependencies.

const PALETTE = [
  '#1f6feb',
  '#2da44e',
  '#bf8700',
  '#cf222e',
  '#8250df',
  '#0a7b83',
  '#57606a',
  '#e16f24',
  '#bc4c00',
  '#6e7781',
];
const escapeXml = (s) =>
  String(s).replace(
    /[&<>"]/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c],
  );

/**
 * @param {{ name: string, unit: string, best?: object, rows: { contender: string, rate: number, ratio?: number }[] }[]} groups
 * @param {{ title?: string, subtitle?: string }} [labels]
 * @returns {string} a standalone SVG document
 */
export function resultsChart(groups, { title = 'tensorlane benchmarks', subtitle = '' } = {}) {
  const contenders = [...new Set(groups.flatMap((g) => g.rows.map((r) => r.contender)))];
  const color = (name) => PALETTE[contenders.indexOf(name) % PALETTE.length];
  const rates = groups.flatMap((g) => g.rows.map((r) => r.rate)).filter((v) => v > 0);
  const lo = 10 ** Math.floor(Math.log10(Math.min(...rates, 1)));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...rates, 1)));
  const left = 230;
  const width = 900;
  const plot = width - left - 150;
  const x = (v) => left + (plot * Math.log10(Math.max(v, lo) / lo)) / Math.log10(hi / lo);
  const bar = 13;
  const out = [];
  let y = 62;
  for (const g of groups) {
    out.push(`<text x="8" y="${y + 11}" class="w">${escapeXml(g.name)}</text>`);
    out.push(`<text x="8" y="${y + 24}" class="u">${escapeXml(g.unit)}</text>`);
    for (const r of g.rows) {
      const w = Math.max(1, x(r.rate) - left);
      const ratio =
        r.ratio === undefined
          ? ''
          : `  (tensorlane ${r.ratio >= 10 ? r.ratio.toFixed(0) : r.ratio.toFixed(2)}×)`;
      out.push(
        `<rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="${bar - 2}" fill="${color(r.contender)}"><title>${escapeXml(`${r.contender}: ${r.rate} ${g.unit}`)}</title></rect>`,
      );
      out.push(
        `<text x="${(left + w + 4).toFixed(1)}" y="${y + 9}" class="v">${r.rate >= 10 ? r.rate.toFixed(1) : r.rate.toPrecision(2)}${escapeXml(ratio)}</text>`,
      );
      y += bar;
    }
    y += 14;
  }
  const height = y + 40 + Math.ceil(contenders.length / 3) * 16;
  const axis = [];
  for (let v = lo; v <= hi * 1.0001; v *= 10) {
    axis.push(
      `<line x1="${x(v).toFixed(1)}" y1="50" x2="${x(v).toFixed(1)}" y2="${y}" class="g"/>`,
    );
    axis.push(
      `<text x="${x(v).toFixed(1)}" y="${y + 12}" class="a" text-anchor="middle">${v >= 1 ? v : v.toPrecision(1)}</text>`,
    );
  }
  const legend = contenders.map((name, i) => {
    const lx = 8 + (i % 3) * 295;
    const ly = y + 30 + Math.floor(i / 3) * 16;
    return `<rect x="${lx}" y="${ly - 9}" width="10" height="10" fill="${color(name)}"/><text x="${lx + 14}" y="${ly}" class="v">${escapeXml(name)}</text>`;
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif">`,
    '<style>.w{font-size:12px;font-weight:600}.u,.a{font-size:10px;fill:#57606a}.v{font-size:10px}.g{stroke:#d0d7de;stroke-width:1}.t{font-size:16px;font-weight:600}.s{font-size:11px;fill:#57606a}</style>',
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="8" y="20" class="t">${escapeXml(title)}</text>`,
    `<text x="8" y="38" class="s">${escapeXml(subtitle)} — log scale; higher is better</text>`,
    ...axis,
    ...out,
    ...legend,
    '</svg>',
  ].join('\n');
}
