// The lesson's browser front end: a LessonUi (see examples/lesson/run-lesson.mjs) that
// draws digits on canvases and fills the page's table, checks and chart.
import { fmtMs } from '../lesson/run-lesson.mjs';
import { speedupChart } from './speedup-chart.mjs';

const $ = (id) => document.getElementById(id);
const times = (x) =>
  x >= 100 ? `${Math.round(x).toLocaleString('en-US')}×` : `${x.toPrecision(3)}×`;

/** Lets the browser paint between long synchronous steps, so progress is visible. */
const nextFrame = () => new Promise((r) => setTimeout(r, 0));

/** Draws one 28×28 digit, 3 pixels per pixel, white ink on black as MNIST is stored. */
function digitCanvas(pixels, rows, cols, scale = 3) {
  const canvas = document.createElement('canvas');
  canvas.width = cols;
  canvas.height = rows;
  canvas.style.width = `${cols * scale}px`;
  canvas.style.height = `${rows * scale}px`;
  const ctx = canvas.getContext('2d');
  const image = ctx.createImageData(cols, rows);
  for (let i = 0; i < rows * cols; i++) {
    const v = Math.round(pixels[i] * 255);
    image.data.set([v, v, v, 255], 4 * i);
  }
  ctx.putImageData(image, 0, 0);
  return canvas;
}

/** A LessonUi rendering into index.html's elements. */
export function pageUi() {
  let lastHeading = '';
  return {
    heading(title) {
      lastHeading = title;
      $('status').textContent = title;
    },
    line(text) {
      const li = document.createElement('li');
      li.textContent = lastHeading ? `${lastHeading}: ${text}` : text;
      $('notes').append(li);
    },
    async progress(text) {
      $('status').textContent = `… ${text}`;
      await nextFrame();
    },
    check({ name, ok, message }) {
      const li = document.createElement('li');
      li.className = ok ? 'ok' : 'fail';
      li.textContent = ok ? name : `${name}\n${message}`;
      $('checks').append(li);
    },
    digits(digits, rows, cols) {
      for (const { pixels, label } of digits) {
        const figure = document.createElement('figure');
        const caption = document.createElement('figcaption');
        caption.textContent = `label ${label}`;
        figure.append(digitCanvas(pixels, rows, cols), caption);
        $('digits').append(figure);
      }
    },
    timings(rows) {
      const head =
        '<tr><th>method</th><th>median</th><th>speedup</th><th>lesson (Python + PyTorch 2019)</th></tr>';
      const body = rows.map((r) => {
        const lesson = r.lesson ? `${fmtMs(r.lesson.ms)} · ${times(r.lesson.speedup)}` : '—';
        const tr = document.createElement('tr');
        tr.dataset.method = r.id;
        tr.innerHTML = `<td>${r.label}<br><code></code></td><td>${fmtMs(r.medianMs)}</td><td>${times(r.speedup)}</td><td>${lesson}</td>`;
        tr.querySelector('code').textContent = r.code;
        return tr;
      });
      $('timings').innerHTML = head;
      $('timings').append(...body);
      $('chart').innerHTML = speedupChart(rows);
    },
    validation(v) {
      $('validation').textContent =
        `matmul(xValid, weights) on ${v.rows} rows: ${fmtMs(v.matmulMs)} (${v.matmulGflops.toFixed(2)} GFLOP/s); ` +
        `plain typed-array loop: ${fmtMs(v.typedArrayMs)} (${v.typedArrayGflops.toFixed(2)} GFLOP/s) — matmul ${times(v.ratio)} faster.`;
    },
  };
}
