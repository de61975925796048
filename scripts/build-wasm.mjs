#!/usr/bin/env node
// Builds crates/kernels five times for wasm32 (relaxed, simd128 and baseline, and threaded
// twins of the first two) into
// packages/tensorlane/wasm/. Works offline: `detectToolchain` tries (1) rustup with the
// wasm32 target, (2) a rustc that ships its library source (-Zbuild-std), (3) installing
// Debian's packages for (2) when root.
// Skips cargo entirely when the sources, flags and toolchain are unchanged.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'packages/tensorlane/wasm');
const stampFile = join(outDir, '.build-stamp');
const TARGET = 'wasm32-unknown-unknown';
const DEBIAN_PACKAGES = ['rustc-web', 'cargo-web', 'rust-web-src', 'lld-22'];

/** What a threaded build adds to its twin's target features (std is built with them too). */
const THREAD_FEATURES = ['+atomics', '+bulk-memory', '+mutable-globals'];

/** Target features per build; picked at load time by feature detection. */
export const BUILDS = {
  relaxed: ['+simd128', '+relaxed-simd'],
  'relaxed-threads': ['+simd128', '+relaxed-simd', ...THREAD_FEATURES],
  simd128: ['+simd128'],
  'simd128-threads': ['+simd128', ...THREAD_FEATURES],
  baseline: [],
};

/**
 * Linker flags of the threaded builds. They import a shared memory (the loader creates it
 * with the same initial and maximum size) and export what each worker instance needs to
 * get its own stack and TLS block.
 */
const THREAD_LINK_ARGS = [
  '--shared-memory',
  '--import-memory',
  `--initial-memory=${64 * 65536}`,
  `--max-memory=${65536 * 65536}`,
  '--export=__stack_pointer',
  '--export=__wasm_init_tls',
  '--export=__tls_size',
  '--export=__tls_align',
  '--export=__tls_base',
];

/**
 * Linker flags of the single-thread builds: `__stack_pointer` is exported so that JS can
 * put the shadow stack back after a trap (a trap skips every epilogue that would restore it).
 */
const SINGLE_THREAD_LINK_ARGS = ['--export=__stack_pointer'];

/** Linker flags per build. */
export const LINK_ARGS = {
  relaxed: SINGLE_THREAD_LINK_ARGS,
  'relaxed-threads': THREAD_LINK_ARGS,
  simd128: SINGLE_THREAD_LINK_ARGS,
  'simd128-threads': THREAD_LINK_ARGS,
  baseline: SINGLE_THREAD_LINK_ARGS,
};

const log = (msg) => console.log(`[build-wasm] ${msg}`);

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** (1) a rustup toolchain that already has the wasm32 target. */
function rustupWithTarget() {
  const installed = run('rustup', ['target', 'list', '--installed']);
  if (!installed?.split('\n').includes(TARGET)) return undefined;
  return {
    kind: 'rustup',
    cargo: 'cargo',
    env: {},
    extraArgs: [],
    version: run('rustc', ['--version']),
  };
}

/** (2) a rustc whose sysroot ships the standard library's source and vendored deps. */
function rustcWithLibrarySource() {
  const candidates = ['/usr/bin/rustc', run('sh', ['-c', 'command -v rustc'])].filter(Boolean);
  for (const rustc of [...new Set(candidates)]) {
    const sysroot = run(rustc, ['--print', 'sysroot']);
    if (!sysroot) continue;
    const library = join(sysroot, 'lib/rustlib/src/rust/library');
    const vendor = join(library, 'vendor');
    if (!existsSync(join(library, 'Cargo.lock')) || !existsSync(vendor)) continue;
    const cargo = join(dirname(rustc), 'cargo');
    if (!existsSync(cargo)) continue;
    // build-std resolves std's own dependencies; point crates.io at the vendored copies.
    const config = [
      `source.crates-io.replace-with="std-vendor"`,
      `source.std-vendor.directory="${vendor}"`,
    ].flatMap((c) => ['--config', c]);
    return {
      kind: 'build-std',
      cargo,
      env: { RUSTC: rustc, RUSTC_BOOTSTRAP: '1' },
      extraArgs: [...config, '-Zbuild-std=std,panic_abort', '--offline'],
      version: run(rustc, ['--version']),
    };
  }
  return undefined;
}

function isRootOnDebian() {
  return (
    process.getuid?.() === 0 &&
    existsSync('/etc/debian_version') &&
    !!run('sh', ['-c', 'command -v apt-get'])
  );
}

/** (3) install Debian's packages, which provide (2). */
function installDebianToolchain() {
  log(`installing ${DEBIAN_PACKAGES.join(' ')} with apt-get (no wasm32 toolchain found)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  if (update.status !== 0) log('apt-get update failed; trying the install anyway');
  const r = spawnSync('apt-get', ['install', '-y', '-qq', ...DEBIAN_PACKAGES], {
    stdio: 'inherit',
    env,
  });
  if (r.status !== 0) throw new Error('apt-get install failed');
}

export function detectToolchain() {
  let tc = rustupWithTarget() ?? rustcWithLibrarySource();
  if (!tc && isRootOnDebian()) {
    installDebianToolchain();
    tc = rustcWithLibrarySource();
  }
  if (!tc) {
    throw new Error(
      'No Rust toolchain that can build wasm32-unknown-unknown was found. Install one of:\n' +
        '  - rustup:  rustup target add wasm32-unknown-unknown\n' +
        `  - Debian/Ubuntu (as root):  apt-get install ${DEBIAN_PACKAGES.join(' ')}\n` +
        '    (a rustc that ships its library source, used with -Zbuild-std)',
    );
  }
  return tc;
}

function listFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? listFiles(p) : [p];
  });
}

function sourceHash(tc) {
  const h = createHash('sha256');
  const files = [
    join(root, 'Cargo.toml'),
    join(root, 'Cargo.lock'),
    fileURLToPath(import.meta.url),
    ...listFiles(join(root, 'crates/kernels/src')),
    join(root, 'crates/kernels/Cargo.toml'),
  ].filter(existsSync);
  for (const f of files.sort()) h.update(f.slice(root.length)).update(readFileSync(f));
  h.update(JSON.stringify({ kind: tc.kind, version: tc.version, builds: BUILDS, LINK_ARGS }));
  return h.digest('hex');
}

/**
 * Builds one flavour. A single-thread build's SIMD features reach only the kernel crate
 * (`cargo rustc -- …`), so the three single-thread builds share one std build. A threaded
 * build is a plain `cargo build` with its features and link args in RUSTFLAGS, for every
 * crate, in its own target dir: built through `cargo rustc --crate-type cdylib` instead,
 * it crashed under concurrent tasks (seen in attention; cause not pinned down).
 */
function buildOne(tc, name, features) {
  const threaded = features.includes('+atomics');
  const targetDir = join(root, 'target', threaded ? `wasm-${name}` : 'wasm-std-plain');
  const crateFlags = [
    // Loop strength reduction turns the kernels' pointer steps into plain i32 adds, and
    // LLVM folds only adds it knows cannot wrap into a wasm load's offset immediate; so
    // with it, every load at `p + 16` costs the engine an extra add. Measured without it:
    // GEMM 0–12% faster, elementwise ops mostly the same or faster, binaries ~20% smaller.
    '-C',
    'llvm-args=-disable-lsr',
    ...(features.length ? ['-C', `target-feature=${features.join(',')}`] : []),
    ...(LINK_ARGS[name] ?? []).flatMap((a) => ['-C', `link-arg=${a}`]),
  ];
  const common = ['--release', '-p', 'tensorlane-kernels', '--target', TARGET];
  const args = threaded
    ? [
        'build',
        ...common,
        '--target-dir',
        targetDir,
        ...tc.extraArgs,
        // std itself must be built with atomics; rustup's prebuilt std is not (this needs
        // its rust-src component).
        ...(tc.kind === 'rustup' ? ['-Zbuild-std=std,panic_abort'] : []),
      ]
    : [
        'rustc',
        ...common,
        '--lib',
        '--target-dir',
        targetDir,
        ...tc.extraArgs,
        '--',
        ...crateFlags,
      ];
  const flags = threaded ? crateFlags.join(' ') : '';
  const started = Date.now();
  const r = spawnSync(tc.cargo, args, {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      ...process.env,
      ...tc.env,
      ...(threaded ? { RUSTC_BOOTSTRAP: '1' } : {}),
      RUSTFLAGS: flags,
      CARGO_TERM_PROGRESS_WHEN: 'never',
    },
  });
  if (r.status !== 0) throw new Error(`cargo build for the ${name} build failed`);
  const out = join(outDir, `tensorlane-${name}.wasm`);
  copyFileSync(join(targetDir, TARGET, 'release', 'tensorlane_kernels.wasm'), out);
  log(`${name}: ${statSync(out).size} bytes (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

export function buildWasm({ force = false } = {}) {
  const tc = detectToolchain();
  mkdirSync(outDir, { recursive: true });
  const hash = sourceHash(tc);
  const have = Object.keys(BUILDS).every((b) => existsSync(join(outDir, `tensorlane-${b}.wasm`)));
  if (!force && have && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === hash) {
    log('up to date (sources unchanged), skipping cargo');
    return;
  }
  log(`toolchain: ${tc.kind} (${tc.version})`);
  for (const [name, features] of Object.entries(BUILDS)) buildOne(tc, name, features);
  writeFileSync(stampFile, hash);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    buildWasm({ force: process.argv.includes('--force') });
  } catch (e) {
    console.error(`[build-wasm] ${e.message}`);
    process.exit(1);
  }
}
