/**
 * Node's built-in modules (`node:fs`, `node:os`, `node:worker_threads`) where the runtime
 * has them, without a static import: the same bundle runs in browsers, so no `node:`
 * import may appear in it. Node ≥ 20.16, Deno and Bun hand them out synchronously through
 * `process.getBuiltinModule`, which lets the first op load the kernels on demand. Node
 * 20.0–20.15 lacks it: there `init()` imports them (an async dynamic import, which bundlers
 * are told to leave alone), and an op before `await init()` is an `InitError` that says so.
 */

export type NodeBuiltinName = 'node:fs' | 'node:os' | 'node:worker_threads';

const NAMES: readonly NodeBuiltinName[] = ['node:fs', 'node:os', 'node:worker_threads'];
const imported = new Map<NodeBuiltinName, unknown>();

function nodeProcess(): any {
  return (globalThis as any).process;
}

/** True in a Node without `process.getBuiltinModule` (20.0–20.15), where `init()` must import. */
export function needsBuiltinImport(): boolean {
  const p = nodeProcess();
  return typeof p?.versions?.node === 'string' && typeof p.getBuiltinModule !== 'function';
}

/** The module, or undefined outside Node-like runtimes (and before `importNodeBuiltins` there). */
export function nodeBuiltin(name: NodeBuiltinName): any {
  const p = nodeProcess();
  if (typeof p?.getBuiltinModule === 'function') {
    try {
      return p.getBuiltinModule(name);
    } catch {
      return undefined;
    }
  }
  return imported.get(name);
}

/** Imports the modules where `getBuiltinModule` is missing; a no-op everywhere else. */
export async function importNodeBuiltins(): Promise<void> {
  if (!needsBuiltinImport()) return;
  for (const name of NAMES) {
    if (imported.has(name)) continue;
    try {
      // A variable specifier with both bundlers' ignore comments: no bundler tries to
      // resolve or polyfill it for a browser build, where this line never runs.
      imported.set(name, await import(/* webpackIgnore: true */ /* @vite-ignore */ name));
    } catch {
      // Not Node after all (a runtime that fakes process.versions): no builtins.
    }
  }
}
