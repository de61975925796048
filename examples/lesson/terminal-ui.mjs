// The lesson's terminal front end: headings, ✓/✗ checks, digit art, the timing table.
import { digitArt } from './digit-art.mjs';
import { fmtMs } from './run-lesson.mjs';

const tty = process.stdout.isTTY;
const bold = (s) => (tty ? `\x1b[1m${s}\x1b[22m` : s);
const green = (s) => (tty ? `\x1b[32m${s}\x1b[39m` : s);
const red = (s) => (tty ? `\x1b[31m${s}\x1b[39m` : s);

let lastPipedProgress = 0;
/**
 * Progress overwrites one line on a terminal; in a pipe (CI logs) it is printed at most
 * every 2 s, so long steps still show they are alive without flooding the log.
 */
function progress(text) {
  if (tty) process.stdout.write(`\r\x1b[2K  … ${text}`);
  else if (Date.now() - lastPipedProgress >= 2000) {
    lastPipedProgress = Date.now();
    console.log(`  … ${text}`);
  }
}
function clearProgress() {
  if (tty) process.stdout.write('\r\x1b[2K');
}

const times = (x) =>
  x >= 100 ? `${Math.round(x).toLocaleString('en-US')}×` : `${x.toPrecision(3)}×`;

/** A LessonUi (see run-lesson.mjs) that prints to stdout. */
export function terminalUi() {
  return {
    heading(title) {
      clearProgress();
      console.log(`\n${bold(`## ${title}`)}`);
    },
    line(text) {
      clearProgress();
      console.log(`  ${text}`);
    },
    progress,
    check({ name, ok, message }) {
      clearProgress();
      console.log(`  ${ok ? green('✓') : red('✗')} ${name}${ok ? '' : `\n${red(message)}`}`);
    },
    digits(digits, rows, cols) {
      clearProgress();
      const first = digits[0];
      console.log(`  xValid[0].view(28, 28), label ${first.label}:`);
      console.log(digitArt(first.pixels, rows, cols).replace(/^/gm, '    '));
      console.log(`  labels of xValid[:${digits.length}]: ${digits.map((d) => d.label).join(' ')}`);
    },
    timings(rows) {
      clearProgress();
      const header = ['method', 'median', 'speedup', 'lesson (Python+PyTorch 2019)'];
      const body = rows.map((r) => [
        r.label,
        fmtMs(r.medianMs),
        times(r.speedup),
        r.lesson ? `${fmtMs(r.lesson.ms)}  ${times(r.lesson.speedup)}` : '—',
      ]);
      const widths = header.map((h, c) => Math.max(h.length, ...body.map((b) => b[c].length)));
      const fmt = (cells) =>
        `  ${cells.map((s, c) => (c === 0 ? s.padEnd(widths[c]) : s.padStart(widths[c]))).join('  ')}`;
      console.log(`\n${fmt(header)}\n  ${widths.map((w) => '─'.repeat(w)).join('  ')}`);
      for (const b of body) console.log(fmt(b));
      console.log(
        '  speedup = triple loop median ÷ median; lesson figures from its cells (890.1/5, 885000/277, …)',
      );
    },
    validation(v) {
      clearProgress();
      console.log(
        `  matmul ${fmtMs(v.matmulMs)} (${v.matmulGflops.toFixed(2)} GFLOP/s), typed-array loop ${fmtMs(v.typedArrayMs)} (${v.typedArrayGflops.toFixed(2)} GFLOP/s): matmul is ${times(v.ratio)} faster`,
      );
    },
  };
}
