/**
 * The runtimes of the matrix and how each is installed: idempotently, into `.runtimes/` at
 * the repo root (gitignored), from the npm registry (Node 20.0/22/24, Bun, Deno ship their
 * binaries as npm packages) or Debian (Chromium, Firefox ESR, with apt-get when root).
 * `ensureRuntime()` returns the executable or throws an Error that says why not.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './bundle.mjs';

export const runtimesDir = join(repoRoot, '.runtimes');
const platform = `${process.platform}-${process.arch}`;

function hasAvx2() {
  try {
    return /\bavx2\b/.test(readFileSync('/proc/cpuinfo', 'utf8'));
  } catch {
    return true;
  }
}

/** The npm package that carries a Node binary for this platform, and the binary's path in it. */
function nodePackage() {
  const os = { linux: 'linux', darwin: 'darwin' }[process.platform];
  if (!os || !['x64', 'arm64'].includes(process.arch)) return undefined;
  return { name: `node-${os}-${process.arch}`, bin: 'bin/node' };
}

/** Bun's per-platform package (what the `bun` npm package installs as an optional dependency). */
function bunPackage() {
  const arch = { x64: 'x64', arm64: 'aarch64' }[process.arch];
  const os = { linux: 'linux', darwin: 'darwin' }[process.platform];
  if (!arch || !os) return undefined;
  // Bun's default x64 build needs AVX2; its `-baseline` build runs on older CPUs.
  const baseline = arch === 'x64' && !hasAvx2() ? '-baseline' : '';
  return { name: `@oven/bun-${os}-${arch}${baseline}`, bin: 'bin/bun' };
}

/** Deno's per-platform package (what the `deno` npm package installs as an optional dependency). */
function denoPackage() {
  const name = {
    'linux-x64': '@deno/linux-x64-glibc',
    'linux-arm64': '@deno/linux-arm64-glibc',
    'darwin-x64': '@deno/darwin-x64',
    'darwin-arm64': '@deno/darwin-arm64',
  }[platform];
  return name ? { name, bin: 'deno' } : undefined;
}

/**
 * Installs `name@range` into `.runtimes/<id>/` unless that spec is already there, and
 * returns the path of its binary.
 */
function ensureNpmBinary(id, pkg, range) {
  if (!pkg) throw new Error(`no npm package carries ${id} for ${platform}`);
  const dir = join(runtimesDir, id);
  const bin = join(dir, 'node_modules', pkg.name, pkg.bin);
  const spec = `${pkg.name}@${range}`;
  const specFile = join(dir, 'installed-spec');
  if (existsSync(bin) && existsSync(specFile) && readFileSync(specFile, 'utf8') === spec)
    return bin;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const args = [
    'install',
    '--prefix',
    dir,
    '--no-save',
    '--no-package-lock',
    '--no-audit',
    '--no-fund',
    '--ignore-scripts',
    '--loglevel=error',
    spec,
  ];
  const npm = spawnSync('npm', args, { encoding: 'utf8', timeout: 300_000 });
  if (npm.status !== 0 || !existsSync(bin))
    throw new Error(
      `npm install ${spec} failed: ${(npm.stderr || npm.error?.message || '').trim().split('\n').slice(-3).join(' ')}`,
    );
  writeFileSync(specFile, spec);
  return bin;
}

function nodeOfMajor(id, major) {
  // The machine's own node counts when it is of the right major.
  if (Number(process.versions.node.split('.')[0]) === major) return process.execPath;
  return ensureNpmBinary(id, nodePackage(), String(major));
}

let aptUpdated = false;

/** A Debian package's binary, installed with apt-get when missing and we are root. */
function ensureDebianBinary(pkgName, candidates) {
  const found = candidates.find((path) => existsSync(path));
  if (found) return found;
  const isRoot = process.getuid?.() === 0;
  const hasApt = existsSync('/usr/bin/apt-get');
  if (!isRoot || !hasApt)
    throw new Error(
      `${candidates[0]} not found; install the Debian package '${pkgName}' (apt-get install ${pkgName})` +
        (hasApt ? ' as root' : ''),
    );
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const run = (args) => {
    const result = spawnSync('apt-get', args, { encoding: 'utf8', env, timeout: 900_000 });
    if (result.status !== 0)
      throw new Error(
        `apt-get ${args.join(' ')} failed: ${(result.stderr || '').trim().split('\n').slice(-3).join(' ')}`,
      );
  };
  if (!aptUpdated) {
    run(['update', '-q']);
    aptUpdated = true;
  }
  run(['install', '-y', '-q', '--no-install-recommends', pkgName]);
  const installed = candidates.find((path) => existsSync(path));
  if (!installed)
    throw new Error(`apt-get installed ${pkgName} but none of ${candidates.join(', ')} exists`);
  return installed;
}

/**
 * Every runtime: `kind` says how a cell runs (a child process or a browser page);
 * `args(cell, request)` is the command line of a process cell; `relaxedNote` says what
 * relaxed-simd needs there.
 */
export const RUNTIMES = [
  {
    id: 'node20',
    label: 'Node 20',
    kind: 'process',
    ensure: () => nodeOfMajor('node20', 20),
    // Node 20's V8 validates relaxed-simd only behind this flag.
    args: (cell, request) => ['--experimental-wasm-relaxed-simd', cell, request],
  },
  {
    // The lowest Node that `engines` allows: no process.getBuiltinModule (20.16), so the
    // first op cannot load the kernels by itself and `init()` imports node: builtins.
    id: 'node20.0',
    label: 'Node 20.0',
    kind: 'process',
    ensure: () => ensureNpmBinary('node20.0', nodePackage(), '20.0.0'),
    args: (cell, request) => ['--experimental-wasm-relaxed-simd', cell, request],
  },
  {
    id: 'node22',
    label: 'Node 22',
    kind: 'process',
    ensure: () => nodeOfMajor('node22', 22),
    args: (cell, request) => [cell, request],
  },
  {
    id: 'node24',
    label: 'Node 24',
    kind: 'process',
    ensure: () => nodeOfMajor('node24', 24),
    args: (cell, request) => [cell, request],
  },
  {
    id: 'bun',
    label: 'Bun',
    kind: 'process',
    ensure: () => ensureNpmBinary('bun', bunPackage(), '1'),
    args: (cell, request) => [cell, request],
  },
  {
    id: 'deno',
    label: 'Deno',
    kind: 'process',
    ensure: () => ensureNpmBinary('deno', denoPackage(), '2'),
    // Read access to the repo only (bundle, wasm files); env for the assertion library's colour
    // detection; no config or lockfile discovery.
    args: (cell, request) => [
      'run',
      `--allow-read=${repoRoot}`,
      '--allow-env',
      '--no-prompt',
      '--no-config',
      '--no-lock',
      cell,
      request,
    ],
    env: { DENO_DIR: join(runtimesDir, 'deno', 'cache'), DENO_NO_UPDATE_CHECK: '1' },
  },
  {
    id: 'chromium',
    label: 'Chromium',
    kind: 'browser',
    browser: 'chrome',
    ensure: () =>
      ensureDebianBinary(
        'chromium',
        [process.env.CHROMIUM_PATH, '/usr/bin/chromium'].filter(Boolean),
      ),
  },
  {
    id: 'firefox',
    label: 'Firefox ESR',
    kind: 'browser',
    browser: 'firefox',
    ensure: () =>
      ensureDebianBinary(
        'firefox-esr',
        [process.env.FIREFOX_PATH, '/usr/bin/firefox-esr'].filter(Boolean),
      ),
  },
];

/** The version a process runtime reports (`--version`), or '?' if it will not say. */
export function processVersion(bin) {
  try {
    const out = execFileSync(bin, ['--version'], { encoding: 'utf8', timeout: 30_000 });
    return out.match(/\d+\.\d+\.\d+/)?.[0] ?? out.trim().split('\n')[0];
  } catch {
    return '?';
  }
}
