#!/usr/bin/env node
// Packs packages/tensorlane with `npm pack`, installs the tarball into an empty project
// and imports it from there, as a user of the npm package would.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '../../packages/tensorlane');
const work = mkdtempSync(join(tmpdir(), 'tl-pack-'));
let passed = 0;
let failed = 0;
const check = (name, ok, detail = '') => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? `: ${detail}` : ''}`);
  ok ? passed++ : failed++;
};
const quiet = { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] };

const packed = JSON.parse(
  execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: pkg, ...quiet }),
);
const files = packed[0].files.map((f) => f.path);
for (const f of [
  'README.md',
  'dist/index.js',
  'dist/testing.js',
  'dist/types/index.d.ts',
  'wasm/tensorlane-relaxed.wasm',
  'wasm/tensorlane-relaxed-threads.wasm',
  'wasm/tensorlane-simd128-threads.wasm',
  'wasm/tensorlane-simd128.wasm',
  'wasm/tensorlane-baseline.wasm',
])
  check(`tarball ships ${f}`, files.includes(f));

const project = join(work, 'app');
execFileSync('mkdir', ['-p', project]);
writeFileSync(
  join(project, 'package.json'),
  JSON.stringify({ name: 'app', private: true, type: 'module' }),
);
execFileSync('npm', ['install', '--no-audit', '--no-fund', join(work, packed[0].filename)], {
  cwd: project,
  ...quiet,
});

// No exit call: with the threaded build the process must still end by itself (its
// workers are unref'd), and execFileSync's timeout turns a hang into a failure.
const script = `
import { tensor, backendInfo, randn, matmul } from 'tensorlane';
import { testEq } from 'tensorlane/testing';
const a = tensor([1, 2, 3, 4, 5]), b = tensor([10, 20, 30, 40, 50]);
const c = a.add(b);
testEq(c, tensor([11, 22, 33, 44, 55]));
const m = randn([300, 300]);
const big = matmul(m, m).shape.join('x');
console.log(JSON.stringify({ sum: c.toArray(), big, info: backendInfo() }));`;
for (const flags of [[], ['--experimental-wasm-relaxed-simd']]) {
  try {
    const out = JSON.parse(
      execFileSync(process.execPath, [...flags, '--input-type=module', '-e', script], {
        cwd: project,
        timeout: 60_000,
        ...quiet,
      }),
    );
    // The default is every core: a threaded build wherever there is more than one.
    const threads = Math.min(availableParallelism(), 64);
    const simd = flags.length ? 'relaxed' : 'simd128';
    const want = threads > 1 ? `${simd}-threads` : simd;
    check(
      `node ${flags.join(' ')} imports the tarball, adds and exits by itself (build ${out.info.build}, ${out.info.threads} threads)`,
      out.info.build === want &&
        out.info.threads === threads &&
        out.sum.join() === '11,22,33,44,55' &&
        out.big === '300x300',
      JSON.stringify(out),
    );
  } catch (e) {
    check(`node ${flags.join(' ')} imports the tarball and adds`, false, e.stderr || e.message);
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
