// The results as a hand-written SVG bar chart: one block per workload (its name on a line
// of its own), one labelled bar per contender, tensorlane's rows in blue, on a log scale
// (rates span from 0.1 GFLOP/s loops to tens of GFLOP/s kernels, so a linear axis would
// hide the slow bars). No dependencies.
import { isSubject } from './cases.mjs';

const SUBJECT = '#1f6feb';
const OTHER = '#bf8700';
const escapeXml = (s) =>
  String(s).replace(
    /[&<>"]/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c],
  );
const clip = (s, n) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const fmtRate = (v) => (v >= 10 ? v.toFixed(1) : v.toPrecision(2));
const fmtRatio = (r) => (r >= 10 ? r.toFixed(0) : r.toFixed(2));

/**
 * @param {{ name: string, unit: string, rows: { contender: string, rate: number, ratio?: number, subject?: boolean }[] }[]} groups
 *   compareByWorkload()'s output
 * @param {{ title?: string, subtitle?: string }} [labels]
 * @returns {string} a standalone SVG document
 */
export function resultsChart(groups, { title = 'tensorlane benchmarks', subtitle = '' } = {}) {
  const rates = groups.flatMap((g) => g.rows.map((r) => r.rate)).filter((v) => v > 0);
  const lo = 10 ** Math.floor(Math.log10(Math.min(...rates, 1)));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...rates, 1)));
  const left = 330;
  const width = 980;
  const plot = width - left - 150;
  const x = (v) => left + (plot * Math.log10(Math.max(v, lo) / lo)) / Math.log10(hi / lo);
  const bar = 14;
  const top = 58;
  const out = [];
  let y = top;
  for (const g of groups) {
    out.push(
      `<text x="8" y="${y + 11}" class="w">${escapeXml(g.name)} <tspan class="u">(${escapeXml(g.unit)})</tspan></text>`,
    );
    y += 16;
    for (const r of g.rows) {
      const w = Math.max(1, x(r.rate) - left);
      const ratio = r.ratio === undefined ? '' : `  (tensorlane ${fmtRatio(r.ratio)}×)`;
      const fill = isSubject(r) ? SUBJECT : OTHER;
      out.push(
        `<text x="${left - 6}" y="${y + 9}" class="c" text-anchor="end">${escapeXml(clip(r.contender, 56))}</text>`,
      );
      out.push(
        `<rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="${bar - 3}" fill="${fill}"><title>${escapeXml(`${r.contender}: ${r.rate} ${g.unit}`)}</title></rect>`,
      );
      out.push(
        `<text x="${(left + w + 4).toFixed(1)}" y="${y + 9}" class="v">${fmtRate(r.rate)}${escapeXml(ratio)}</text>`,
      );
      y += bar;
    }
    y += 10;
  }
  const axis = [];
  for (let v = lo; v <= hi * 1.0001; v *= 10) {
    const px = x(v).toFixed(1);
    axis.push(`<line x1="${px}" y1="${top - 4}" x2="${px}" y2="${y}" class="g"/>`);
    axis.push(
      `<text x="${px}" y="${y + 12}" class="a" text-anchor="middle">${v >= 1 ? v : v.toPrecision(1)}</text>`,
    );
  }
  const legendY = y + 32;
  const height = legendY + 12;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif">`,
    '<style>.w{font-size:12px;font-weight:600}.u{font-weight:400;fill:#57606a}.c,.a{font-size:10px;fill:#57606a}.v{font-size:10px}.g{stroke:#d0d7de;stroke-width:1}.t{font-size:16px;font-weight:600}.s{font-size:11px;fill:#57606a}</style>',
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="8" y="20" class="t">${escapeXml(title)}</text>`,
    `<text x="8" y="38" class="s">${escapeXml(subtitle)} — GFLOP/s or GB/s, log scale, higher is better</text>`,
    ...axis,
    ...out,
    `<rect x="8" y="${legendY - 9}" width="10" height="10" fill="${SUBJECT}"/><text x="22" y="${legendY}" class="v">tensorlane (the measured subject)</text>`,
    `<rect x="230" y="${legendY - 9}" width="10" height="10" fill="${OTHER}"/><text x="244" y="${legendY}" class="v">contender or reference; "tensorlane N×" = tensorlane's best rate ÷ this rate</text>`,
    '</svg>',
  ].join('\n');
}
