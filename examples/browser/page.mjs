// The lesson page: loads the wasm build, fetches the gzipped IDX digits that serve.mjs
// serves, runs the lesson and leaves its result on `window.lessonResult` (read by the
// headless test). `?quick` takes fewer timing samples.
import { backendInfo, init } from '../../packages/tensorlane/dist/index.js';
import { MNIST_TEST_FILES, mnistFromIdx } from '../data/mnist-set.mjs';
import { runLesson } from '../lesson/run-lesson.mjs';
import { pageUi } from './page-ui.mjs';

/** Fetches one gzipped file and inflates it with the browser's DecompressionStream. */
async function fetchGunzipped(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  const stream = response.body.pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function main() {
  const status = document.getElementById('status');
  status.textContent = 'loading the wasm kernels…';
  await init();
  const info = backendInfo();
  document.getElementById('build').textContent =
    `backend ${info.backend}, wasm build ${info.build}; engine supports simd128: ${info.features.simd128}, relaxed-simd: ${info.features.relaxedSimd}`;
  status.textContent = 'fetching 10,000 MNIST digits…';
  const names = {
    images: `../data/cache/${MNIST_TEST_FILES.images}.gz`,
    labels: `../data/cache/${MNIST_TEST_FILES.labels}.gz`,
  };
  const [images, labels] = await Promise.all([
    fetchGunzipped(names.images),
    fetchGunzipped(names.labels),
  ]);
  const set = mnistFromIdx(images, labels, names);
  const quick = new URLSearchParams(location.search).has('quick');
  const result = await runLesson(set, pageUi(), { quick });
  const failed = result.checks.filter((c) => !c.ok).length;
  status.textContent = `done: ${result.checks.length - failed} checks passed, ${failed} failed`;
  window.lessonResult = { ...result, build: info.build };
  document.body.dataset.state = 'done';
}

main().catch((e) => {
  document.getElementById('status').textContent = `error: ${e.message}`;
  window.lessonResult = { error: e.message };
  document.body.dataset.state = 'error';
});
