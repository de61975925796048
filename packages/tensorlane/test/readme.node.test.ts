/**
 * Runs every ts/js code block of the repository's README.md and docs/*.md against the library source
 * (not the built dist), so an example that stops working fails `pnpm test`; checks that
 * what each block prints is what its `// →` comments say (see `readme-blocks.ts`); and
 * type-checks every block under the project's strict compiler options, as a reader who
 * pastes one into a TypeScript project would. Blocks tagged `browser` are type-checked but
 * not run.
 *
 * Each block is written to a temporary module with its `tensorlane` / `tensorlane/testing`
 * and repo-relative (`./…`) imports pointed at the real files, then imported, so vitest
 * compiles it like any test file. Node-only: it reads and writes files.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { format } from 'node:util';
import ts from 'typescript';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { setBackend } from '../src/index.js';
import { expectedOutputs, outputMatches, type ReadmeBlock, readmeBlocks } from './readme-blocks.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
/** The Markdown files whose blocks run: the README and every doc, by repo-relative path. */
const docFiles = [
  'README.md',
  ...readdirSync(join(repoRoot, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`),
];
const texts = new Map(docFiles.map((f) => [f, readFileSync(join(repoRoot, f), 'utf8')]));
// `.js` specifiers, as the package's own sources import each other (vitest and tsc map them to `.ts`).
const srcIndex = join(repoRoot, 'packages/tensorlane/src/index.js');
const srcTesting = join(repoRoot, 'packages/tensorlane/src/testing/index.js');

/** The block's imports pointed at files: the package source and repo-relative modules. */
function resolveImports(code: string): string {
  return code.replace(
    /(\bfrom\s+|\bimport\s*\(\s*)(['"])([^'"]+)\2/g,
    (whole, head: string, quote: string, spec: string) => {
      let target: string | undefined;
      if (spec === 'tensorlane') target = srcIndex;
      else if (spec === 'tensorlane/testing') target = srcTesting;
      else if (spec.startsWith('./')) target = resolve(repoRoot, spec);
      return target === undefined ? whole : `${head}${quote}${target}${quote}`;
    },
  );
}

/** Imports the module `file` and returns what it printed with console.log, one entry per call. */
async function runModule(file: string): Promise<string[]> {
  const printed: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => {
    printed.push(format(...args));
  };
  try {
    await import(/* @vite-ignore */ pathToFileURL(file).href);
  } finally {
    console.log = log;
  }
  return printed;
}

/** tsc's diagnostics for `files` under tsconfig.base.json's options, with 1-based lines. */
function typeErrors(files: string[]): { file?: string; line: number; text: string }[] {
  const configPath = join(repoRoot, 'tsconfig.base.json');
  const { config } = ts.readConfigFile(configPath, ts.sys.readFile);
  const { options } = ts.convertCompilerOptionsFromJson(config.compilerOptions, repoRoot);
  // allowJs: the `%timeit` block imports the demo's JSDoc-typed timeit.mjs. typeRoots: find
  // @types/node from the repo whatever the working directory.
  const program = ts.createProgram(files, {
    ...options,
    noEmit: true,
    allowJs: true,
    typeRoots: [join(repoRoot, 'node_modules/@types')],
  });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (!d.file || d.start === undefined) return { line: 0, text };
    const { line } = d.file.getLineAndCharacterOfPosition(d.start);
    return { file: resolve(d.file.fileName), line: line + 1, text };
  });
}

/** Every block of every doc, with the doc it is in. */
const blocks: (ReadmeBlock & { doc: string })[] = docFiles.flatMap((doc) =>
  readmeBlocks(texts.get(doc)!).map((b) => ({ ...b, doc })),
);
const dir = mkdtempSync(join(tmpdir(), 'tensorlane-readme-'));
const fileOf = (i: number, block: ReadmeBlock) =>
  join(dir, `block-${i + 1}.${block.lang.startsWith('t') ? 'ts' : 'mjs'}`);
for (const [i, block] of blocks.entries())
  writeFileSync(fileOf(i, block), resolveImports(block.code));
// Browser blocks may import a bundler's `?url` asset, as Vite's client types declare it.
const urlModules = join(dir, 'url-modules.d.ts');
writeFileSync(
  urlModules,
  "declare module '*?url' {\n  const url: string;\n  export default url;\n}\n",
);

afterAll(() => rmSync(dir, { recursive: true, force: true }));
// A block may switch backends (as the README shows); the next one starts on wasm again.
afterEach(() => setBackend('wasm'));

describe('README.md and docs/*.md code blocks', () => {
  it('are all found: every ts/js fence is closed, tags are known, there are examples', () => {
    for (const doc of docFiles) {
      const opened = texts.get(doc)!.match(/^```(ts|js|typescript|javascript)\b/gm) ?? [];
      expect(blocks.filter((b) => b.doc === doc).length, doc).toBe(opened.length);
    }
    expect(blocks.filter((b) => !b.tags.includes('browser')).length).toBeGreaterThan(5);
    for (const b of blocks) for (const tag of b.tags) expect(['browser']).toContain(tag);
  });

  it('type-check under the strict compiler options', () => {
    const files = blocks.map((b, i) => fileOf(i, b));
    // A block's code starts on the line after its fence.
    const where = (file: string | undefined, line: number) => {
      const i = file === undefined ? -1 : files.indexOf(file);
      return i < 0 ? `${file ?? 'tsc'}:${line}` : `${blocks[i]!.doc}:${blocks[i]!.line + line}`;
    };
    const errors = typeErrors([urlModules, ...files]).map(
      (e) => `${where(e.file, e.line)}: ${e.text}`,
    );
    expect(errors).toEqual([]);
  });

  for (const [i, block] of blocks.entries()) {
    if (block.tags.includes('browser')) continue;
    it(`${block.doc} line ${block.line} runs and prints what its comments say`, async () => {
      const printed = await runModule(fileOf(i, block));
      const expected = expectedOutputs(block.code);
      const report = `printed:\n${printed.join('\n---\n')}\n\npromised:\n${expected.join('\n---\n')}`;
      expect(printed.length, report).toBe(expected.length);
      for (const [k, want] of expected.entries()) {
        expect(outputMatches(want, printed[k]!), `output ${k + 1}\n${report}`).toBe(true);
      }
    });
  }
});

describe('readme-blocks', () => {
  const md = [
    '```ts',
    'log(a); // → tensor([[1, 2],',
    '//                   [3, 4]])',
    '// a comment, not output',
    '// → 3',
    '// → took …',
    '```',
    '```sh',
    'echo not a ts block',
    '```',
    '```js browser',
    'x',
    '```',
  ].join('\n');

  it('finds ts/js blocks with their line, language and tags', () => {
    const found = readmeBlocks(md);
    expect(found.map((b) => [b.line, b.lang, b.tags])).toEqual([
      [1, 'ts', []],
      [11, 'js', ['browser']],
    ]);
    expect(found[1]!.code).toBe('x\n');
  });

  it('reads // → comments, joining aligned continuation lines', () => {
    expect(expectedOutputs(readmeBlocks(md)[0]!.code)).toEqual([
      'tensor([[1, 2],\n        [3, 4]])',
      '3',
      'took …',
    ]);
  });

  it('matches exactly, or by prefix before a trailing …', () => {
    expect(outputMatches('3', '3')).toBe(true);
    expect(outputMatches('3', '3.0')).toBe(false);
    expect(outputMatches('took …', 'took 12 ms')).toBe(true);
    expect(outputMatches('took …', 'ran 12 ms')).toBe(false);
  });
});
