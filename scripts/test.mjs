#!/usr/bin/env node
// `pnpm test`, the README's test command: installs what is missing, builds, runs every
// quality gate and test suite, and ends with one plain line `N passed, M failed`.
// Every step runs even when an earlier one failed, so one run shows every problem.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pnpmCommand } from './ensure-deps.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const node = process.execPath;
const bin = (name) => join(root, 'node_modules/.bin', name);

let passed = 0;
let failed = 0;
const failures = [];
const timings = [];

/** Runs one step; `count(output)` may return {passed, failed} test counts. */
function step(name, cmd, args, { count, env, capture = !!count, required = false } = {}) {
  const started = Date.now();
  console.log(`\n=== ${name}: ${[cmd, ...args].join(' ')}`);
  const r = spawnSync(cmd, args, {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    stdio: capture ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (capture) {
    process.stdout.write(r.stdout ?? '');
    process.stderr.write(r.stderr ?? '');
  }
  const seconds = (Date.now() - started) / 1000;
  const ok = r.status === 0;
  let counts = { passed: ok ? 1 : 0, failed: ok ? 0 : 1 };
  if (count) {
    const c = count(`${r.stdout ?? ''}\n${r.stderr ?? ''}`);
    if (c) counts = { passed: c.passed, failed: c.failed + (ok || c.failed ? 0 : 1) };
  }
  passed += counts.passed;
  failed += counts.failed;
  timings.push([name, seconds, ok]);
  if (!ok) failures.push(name);
  if (!ok && required) finish();
  return ok;
}

const cargoCounts = (out) => {
  const results = [...out.matchAll(/test result: \w+\. (\d+) passed; (\d+) failed/g)];
  if (!results.length) return undefined;
  return results.reduce((a, m) => ({ passed: a.passed + +m[1], failed: a.failed + +m[2] }), {
    passed: 0,
    failed: 0,
  });
};

const plainCounts = (out) => {
  const m = [...out.matchAll(/^(\d+) passed, (\d+) failed/gm)].pop();
  return m ? { passed: +m[1], failed: +m[2] } : undefined;
};

function vitestCounts(file) {
  return () => {
    if (!existsSync(file)) return undefined;
    const r = JSON.parse(readFileSync(file, 'utf8'));
    return {
      passed: r.numPassedTests,
      failed: r.numFailedTests + (r.numTotalTestSuites && !r.success && !r.numFailedTests ? 1 : 0),
    };
  };
}

function finish() {
  console.log('\n=== summary');
  for (const [name, s, ok] of timings)
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${s.toFixed(1).padStart(7)} s  ${name}`);
  if (failures.length) console.log(`failed steps: ${failures.join(', ')}`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed || failures.length ? 1 : 0);
}

const [pnpm, ...pnpmArgs] = pnpmCommand();
step('install node dependencies', pnpm, [...pnpmArgs, 'install', '--frozen-lockfile'], {
  required: true,
});
step('build (wasm + package)', node, ['scripts/build.mjs'], { required: true });
step('cargo fmt --check', 'cargo', ['fmt', '--all', '--check']);
step('cargo clippy', 'cargo', ['clippy', '--all-targets', '--quiet', '--', '-D', 'warnings']);
step('cargo test (kernels, host)', 'cargo', ['test', '--quiet'], { count: cargoCounts });
step('tsc --noEmit (strict)', node, [
  join(root, 'node_modules/typescript/bin/tsc'),
  '-p',
  'tsconfig.json',
  '--noEmit',
]);
step('biome check', bin('biome'), ['check', '.']);
step('layer rules (dependency-cruiser)', bin('depcruise'), [
  'packages/tensorlane/src',
  '--config',
  '.dependency-cruiser.cjs',
]);
const vitestJson = join(mkdtempSync(join(tmpdir(), 'tl-vitest-')), 'report.json');
step(
  'vitest',
  bin('vitest'),
  ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`],
  {
    count: vitestCounts(vitestJson),
    capture: false,
  },
);
step('packed tarball imports in an empty project', node, ['test/smoke/pack-smoke.mjs'], {
  count: plainCounts,
});
step('built ESM runs in headless Chromium', node, ['test/smoke/browser-smoke.mjs'], {
  count: plainCounts,
});
step('bundler recipes in headless Chromium', node, ['test/bundlers/run.mjs'], {
  count: plainCounts,
});
step('lesson demo (quick timings)', node, ['examples/demo.mjs', '--quick'], { count: plainCounts });
step('lesson page in headless Chromium', node, ['examples/browser/page-test.mjs'], {
  count: plainCounts,
});
if (existsSync(join(root, 'test/matrix/run.mjs')))
  step('cross-runtime matrix', node, ['test/matrix/run.mjs'], { count: plainCounts });
finish();
