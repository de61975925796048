#!/usr/bin/env node
// Installs the node dependencies from the lockfile when they are missing, so every root
// script (demo, bench, matrix, build) works on a fresh clone, not only `pnpm test`.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The pnpm version package.json pins in `packageManager`. */
export function pinnedPnpmVersion() {
  const { packageManager } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  return packageManager.replace(/^pnpm@/, '').split('+')[0];
}

/**
 * pnpm itself: the one running this script when it is the pinned version, else the pinned
 * one through npx. A global pnpm of another version may run the scripts itself (pnpm 9
 * does not switch) and then install with a lockfile or settings it reads differently.
 */
export function pnpmCommand() {
  const pinned = pinnedPnpmVersion();
  const execpath = process.env.npm_execpath;
  const running = process.env.npm_config_user_agent?.match(/\bpnpm\/(\S+)/)?.[1];
  if (execpath && /pnpm/.test(execpath) && running === pinned)
    return /\.c?js$/.test(execpath) ? [process.execPath, execpath] : [execpath];
  return ['npx', '-y', `pnpm@${pinned}`];
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
