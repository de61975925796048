/**
 * Runs every `@example` of the TSDoc in `packages/tensorlane/src/` and checks that each
 * `// →` comment is what the example shows there (rules in `doc-examples.ts`). An example
 * runs with the public API, the exports of its own file and the fixtures below in scope,
 * inside an async function, so `await` works. Node-only: it reads the source tree.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { format } from 'node:util';
import ts from 'typescript';
import { afterEach, describe, expect, it } from 'vitest';
import * as tl from '../src/index.js';
import * as testing from '../src/testing/index.js';
import { show } from '../src/testing/show.js';
import { type DocExample, docExamples, runnableExample } from './doc-examples.js';
import { expectedOutputs, outputMatches } from './readme-blocks.js';

const srcDir = fileURLToPath(new URL('../src/', import.meta.url));

const sourceFiles = readdirSync(srcDir, { recursive: true, encoding: 'utf8' })
  .map((f) => f.replaceAll('\\', '/'))
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
  .sort();
const examples: DocExample[] = sourceFiles.flatMap((f) =>
  docExamples(f, readFileSync(join(srcDir, f), 'utf8')),
);

/**
 * The names an example may use without defining them, fresh for each example: the
 * lesson's usual suspects. `t` is 2×3, `m`, `a`, `b` 3×3, `c` a 3-vector, all float32.
 */
function fixtures(): Record<string, unknown> {
  const f32 = { dtype: 'float32' } as const;
  tl.manualSeed(0);
  const a = tl.randn(3, 3);
  const b = tl.randn(3, 3);
  return {
    t: tl.tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      f32,
    ),
    m: tl.tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
        [7, 8, 9],
      ],
      f32,
    ),
    c: tl.tensor([10, 20, 30], f32),
    a,
    b,
    expected: tl.einsum('ik,kj->ij', a, b),
    m1: tl.randn(5, 784),
    m2: tl.randn(784, 10),
    x: tl.tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      f32,
    ),
    q: tl.randn(1, 2, 4, 8),
    k: tl.randn(1, 2, 4, 8),
    v: tl.randn(1, 2, 4, 8),
    logits: tl.randn(2, 5),
    cache: undefined,
  };
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const AsyncFunction = (async () => {}).constructor as new (
  ...args: string[]
) => (...values: unknown[]) => Promise<void>;

/** Runs `example` and returns what it showed: printed lines and `// →` values, in order. */
async function runExample(example: DocExample): Promise<string[]> {
  const load = async (file: string) =>
    (await import(/* @vite-ignore */ pathToFileURL(join(srcDir, file)).href)) as Record<
      string,
      unknown
    >;
  // The exports of the example's own file win over its folder's, which win over the API.
  const folder = dirname(example.file);
  const siblings = sourceFiles.filter((f) => dirname(f) === folder && f !== example.file);
  const shown: string[] = [];
  const scope: Record<string, unknown> = {
    ...fixtures(),
    ...testing,
    ...tl,
    ...Object.assign({}, ...(await Promise.all(siblings.map(load)))),
    ...(await load(example.file)),
    __show: (value: unknown) => shown.push(show(value)),
  };
  const names = Object.keys(scope).filter((n) => IDENTIFIER.test(n) && n !== 'default');
  const { outputText: js, diagnostics = [] } = ts.transpileModule(runnableExample(example.code), {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
    reportDiagnostics: true,
  });
  // A syntax error (e.g. a literal `…` standing for elided code) fails the example.
  expect(diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
  // A block, so an example may declare a name that a fixture or an export already has.
  const fn = new AsyncFunction(...names, `{\n${js}\n}`);
  const log = console.log;
  console.log = (...args: unknown[]) => {
    shown.push(format(...args));
  };
  try {
    await fn(...names.map((n) => scope[n]));
  } finally {
    console.log = log;
  }
  return shown;
}

let changedBuild = false;
afterEach(async () => {
  // An example may switch backends or builds; the next one starts on the default again.
  tl.setBackend('wasm');
  if (changedBuild) await tl.init();
  changedBuild = false;
});

describe('TSDoc @examples', () => {
  it('are found, and few are marked not to run', () => {
    expect(examples.length).toBeGreaterThan(80);
    expect(examples.filter((e) => e.notRun).length).toBeLessThan(examples.length / 5);
  });

  for (const example of examples) {
    const name = `${example.file}:${example.line}`;
    if (example.notRun) {
      // Not run (its arguments are views or modules no public function builds), but it
      // must still be valid TypeScript.
      it(`${name} parses (not run: ${example.notRun})`, () => {
        const out = ts.transpileModule(example.code, { reportDiagnostics: true });
        expect(
          out.diagnostics?.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')),
        ).toEqual([]);
      });
      continue;
    }
    it(`${name} runs and shows what its comments say`, async () => {
      changedBuild = /\binit\(/.test(example.code);
      const printed = await runExample(example);
      const expected = expectedOutputs(example.code);
      const report = `example:\n${example.code}\nshown:\n${printed.join('\n---\n')}\n\npromised:\n${expected.join('\n---\n')}`;
      expect(printed.length, report).toBe(expected.length);
      for (const [i, want] of expected.entries())
        expect(outputMatches(want, printed[i]!), `output ${i + 1}\n${report}`).toBe(true);
    });
  }
});

describe('doc-examples', () => {
  it('reads @examples: inline, multi-line, several per comment, not-run ones', () => {
    const src = [
      '/** Summary. @example f(1) // → 2 */',
      '/**',
      ' * Text.',
      ' * @example',
      ' * const y = f(1);',
      ' * y // → 2',
      ' * @example // not run: needs a worker',
      ' * g()',
      ' * @returns nothing',
      ' */',
    ].join('\n');
    expect(docExamples('f.ts', src)).toEqual([
      { file: 'f.ts', line: 1, code: 'f(1) // → 2\n' },
      { file: 'f.ts', line: 4, code: 'const y = f(1);\ny // → 2\n' },
      {
        file: 'f.ts',
        line: 7,
        code: '// not run: needs a worker\ng()\n',
        notRun: 'needs a worker',
      },
    ]);
  });

  it('wraps the expression a // → follows, not console.log or declarations', () => {
    expect(runnableExample('f(1); g(2) // → 3')).toBe('f(1); __show((g(2))) // → 3');
    expect(runnableExample('console.log(f(1)); // → 2')).toBe('console.log(f(1)); // → 2');
    expect(runnableExample("import { f } from 'tensorlane';\nf() // → 1")).toBe(
      '\n__show((f())) // → 1',
    );
    expect(() => runnableExample('const y = 1; // → 1')).toThrow(/must follow an expression/);
  });
});
