// Which pnpm the root scripts install with: the one running them only when it is the
// version package.json pins (`packageManager`); any other (a global pnpm 9 runs the
// scripts itself rather than switch) gets the pinned one through npx, as the README's
// `npx -y pnpm@…` commands do.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { pnpmCommand } from '../../scripts/ensure-deps.mjs';

const pinned = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'))
  .packageManager.replace(/^pnpm@/, '')
  .split('+')[0];
const saved = { ...process.env };
const execpath = '/usr/local/lib/node_modules/pnpm/bin/pnpm.cjs';

function runBy(agent: string | undefined): void {
  process.env.npm_execpath = execpath;
  if (agent === undefined) delete process.env.npm_config_user_agent;
  else process.env.npm_config_user_agent = agent;
}

describe('pnpmCommand', () => {
  afterEach(() => {
    process.env = { ...saved };
  });

  it('uses the running pnpm when it is the pinned version', () => {
    runBy(`pnpm/${pinned} npm/? node/v20.20.2 linux x64`);
    expect(pnpmCommand()).toEqual([process.execPath, execpath]);
  });

  it.each([
    ['pnpm/9.15.9 npm/? node/v20.20.2 linux x64'],
    ['pnpm/10.0.0 npm/? node/v22.12.0 linux x64'],
    [undefined],
  ])('runs the pinned pnpm through npx when run by %s', (agent) => {
    runBy(agent);
    expect(pnpmCommand()).toEqual(['npx', '-y', `pnpm@${pinned}`]);
  });

  it('runs the pinned pnpm through npx when npm runs the script', () => {
    process.env.npm_execpath = '/usr/lib/node_modules/npm/bin/npm-cli.js';
    process.env.npm_config_user_agent = 'npm/10.8.2 node/v20.20.2 linux x64';
    expect(pnpmCommand()).toEqual(['npx', '-y', `pnpm@${pinned}`]);
  });
});
