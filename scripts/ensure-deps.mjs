#!/usr/bin/env node
// Installs the node dependencies from the lockfile when they are missing, so every root
// script (demo, bench, matrix, build) works on a fresh clone, not only `pnpm test`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** pnpm itself: the one running this script, else one fetched through npx. */
export function pnpmCommand() {
  const execpath = process.env.npm_execpath;
  if (execpath && /pnpm/.test(execpath))
    return /\.c?js$/.test(execpath) ? [process.execPath, execpath] : [execpath];
  return ['npx', '-y', 'pnpm@10.34.8'];
}

/** `pnpm install --frozen-lockfile`; returns the exit status. */
export function installDeps() {
  const [cmd, ...args] = pnpmCommand();
  return spawnSync(cmd, [...args, 'install', '--frozen-lockfile'], { cwd: root, stdio: 'inherit' })
    .status;
}

/** Installs only when a fresh clone has no node_modules yet. */
export function ensureDeps() {
  if (existsSync(join(root, 'node_modules/.pnpm/lock.yaml'))) return;
  if (installDeps() !== 0) throw new Error('pnpm install --frozen-lockfile failed');
}
