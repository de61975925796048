/**
 * Reads the `@example`s of the library's TSDoc and turns each into code that reports what
 * its `// →` comments promise, for `doc-examples.node.test.ts`.
 *
 * An example is the text after an `@example` tag, up to the next tag or the comment's end,
 * with the comment's ` * ` margins removed. It imports nothing: it runs with the public API
 * (`tensorlane` and `tensorlane/testing`), the exports of the file that documents it and a
 * few fixtures (`t`, `m`, `c`, `a`, `b`…) in scope; `import … from 'tensorlane…'` lines are
 * dropped. A `// → text` comment after an expression promises that expression's value, as
 * `show` from `tensorlane/testing` prints it (a tensor as its `toString()`, an array as
 * `[1, 2]`, a string quoted); after `console.log(…)`, or alone on its line, it promises the
 * printed line, as in the README. Continuation lines and a trailing `…` work as in
 * `readme-blocks.ts`. An example whose first line is `// not run: <why>` is collected but not
 * run.
 */
import ts from 'typescript';
import { isContinuation } from './readme-blocks.js';

/** One `@example` of a source file. */
export interface DocExample {
  /** The source file, relative to `packages/tensorlane/src/`. */
  readonly file: string;
  /** 1-based line of the `@example` tag in that file. */
  readonly line: number;
  readonly code: string;
  /** The reason after `// not run:`, when the example is not run. */
  readonly notRun?: string;
}

const DOC_COMMENT = /\/\*\*[\s\S]*?\*\//g;
const NOT_RUN = /^\s*\/\/ not run: (.+)$/m;

/**
 * Every `@example` of one source file, in order.
 */
export function docExamples(file: string, source: string): DocExample[] {
  const found: DocExample[] = [];
  for (const m of source.matchAll(DOC_COMMENT)) {
    const startLine = source.slice(0, m.index).split('\n').length;
    // The comment's lines without `/**`, `*/` and the ` * ` margin, one entry per line.
    const lines = m[0]
      .slice(3, -2)
      .split('\n')
      .map((l, i) => (i === 0 ? l.replace(/^ /, '') : l.replace(/^\s*\* ?/, '')));
    let current: { line: number; lines: string[] } | undefined;
    const flush = () => {
      if (current === undefined) return;
      const code = `${current.lines.join('\n').trim()}\n`;
      const notRun = code.split('\n')[0]!.match(NOT_RUN)?.[1];
      found.push({ file, line: current.line, code, ...(notRun ? { notRun } : {}) });
      current = undefined;
    };
    for (const [i, text] of lines.entries()) {
      const at = text.indexOf('@example');
      if (at >= 0) {
        // An `@example` starts an example, also after a summary on the same line.
        flush();
        current = { line: startLine + i, lines: [text.slice(at + '@example'.length).trimStart()] };
      } else if (/^@\w/.test(text)) {
        flush(); // another tag ends it
      } else current?.lines.push(text);
    }
    flush();
  }
  return found;
}

/** Where the example's `// →` comments are: 0-based line, and the column of `//`. */
function arrows(code: string): { line: number; column: number }[] {
  const out: { line: number; column: number }[] = [];
  const lines = code.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const column = lines[i]!.indexOf('// → ');
    if (column < 0) continue;
    out.push({ line: i, column });
    // Skip its continuation lines, as expectedOutputs does.
    while (i + 1 < lines.length && isContinuation(lines[i + 1]!, column + '// → '.length)) i++;
  }
  return out;
}

const isConsoleLog = (e: ts.Expression) =>
  ts.isCallExpression(e) && e.expression.getText() === 'console.log';

/**
 * The example as runnable TypeScript: `tensorlane` imports dropped, and each expression
 * that a `// →` comment follows wrapped in `__show(…)`, which records its value. Throws
 * when a `// →` follows something other than an expression or `console.log(…)`.
 * @example runnableExample('1 + 2; // → 3') // '__show((1 + 2)); // → 3'
 */
export function runnableExample(code: string): string {
  const text = code.replace(
    /^\s*import\b[^;\n]*\bfrom\s*['"]tensorlane(\/testing)?['"];?[ \t]*$/gm,
    '',
  );
  const sf = ts.createSourceFile('example.ts', text, ts.ScriptTarget.Latest, true);
  const statements: ts.ExpressionStatement[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isExpressionStatement(node)) statements.push(node);
    ts.forEachChild(node, visit);
  };
  visit(sf);
  const lineOf = (pos: number) => sf.getLineAndCharacterOfPosition(pos).line;
  const starts = [0];
  for (const [i, ch] of [...text].entries()) if (ch === '\n') starts.push(i + 1);
  const edits: { start: number; end: number }[] = [];
  for (const arrow of arrows(text)) {
    const arrowPos = starts[arrow.line]! + arrow.column;
    const before = text.slice(starts[arrow.line]!, arrowPos).trim();
    if (before === '') continue; // an output printed by the console.log above
    // The last expression statement that ends on this line before the comment.
    const target = statements
      .filter((s) => s.end <= arrowPos && lineOf(s.end) === arrow.line)
      .sort((p, q) => q.end - p.end)[0];
    if (target === undefined)
      throw new Error(`line ${arrow.line + 1}: a '// →' must follow an expression: ${before}`);
    if (isConsoleLog(target.expression)) continue;
    edits.push({ start: target.expression.getStart(sf), end: target.expression.end });
  }
  let out = text;
  for (const { start, end } of edits.sort((p, q) => q.start - p.start))
    out = `${out.slice(0, start)}__show((${out.slice(start, end)}))${out.slice(end)}`;
  return out;
}
