#!/usr/bin/env node
// Packs packages/tensorlane with `npm pack`, installs the tarball into an empty project
// and imports it from there, as a user of the npm package would.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

const script = `
import { tensor, backendInfo } from 'tensorlane';
import { testEq } from 'tensorlane/testing';
const a = tensor([1, 2, 3, 4, 5]), b = tensor([10, 20, 30, 40, 50]);
const c = a.add(b);
testEq(c, tensor([11, 22, 33, 44, 55]));
console.log(JSON.stringify({ sum: c.toArray(), info: backendInfo() }));`;
for (const flags of [[], ['--experimental-wasm-relaxed-simd']]) {
  try {
    const out = JSON.parse(
      execFileSync(process.execPath, [...flags, '--input-type=module', '-e', script], {
        cwd: project,
        ...quiet,
      }),
    );
    const want = flags.length ? 'relaxed' : 'simd128';
    check(
      `node ${flags.join(' ')} imports the tarball and adds (build ${out.info.build})`,
      out.info.build === want && out.sum.join() === '11,22,33,44,55',
      JSON.stringify(out),
    );
  } catch (e) {
    check(`node ${flags.join(' ')} imports the tarball and adds`, false, e.stderr || e.message);
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
