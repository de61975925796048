/**
 * Reads the code blocks of a Markdown file and the outputs their comments promise, for
 * the test that runs every README example (`readme.node.test.ts`).
 *
 * A block is a ```ts / ```js / ```typescript / ```javascript fence; words after the
 * language are tags (```ts browser marks a block that cannot run in Node). An expected
 * output is a `// → text` comment, alone on its line or after code; the comment lines
 * right below it continue it when only `//` and spaces come before that column, so a
 * tensor printed on several lines reads as it prints. An expectation ending in `…` matches any
 * output that starts with the text before it (for timings).
 */

/** One fenced code block of the README. */
export interface ReadmeBlock {
  /** 1-based line of the opening fence, for test names and failure messages. */
  readonly line: number;
  readonly lang: string;
  readonly tags: readonly string[];
  readonly code: string;
}

const FENCE = /^```(ts|js|typescript|javascript)([^\n]*)\n([\s\S]*?)^```[ \t]*$/gm;

/** Every ts/js block of `markdown`, in order. @example readmeBlocks(readFileSync('README.md', 'utf8')) */
export function readmeBlocks(markdown: string): ReadmeBlock[] {
  const blocks: ReadmeBlock[] = [];
  for (const m of markdown.matchAll(FENCE)) {
    const line = markdown.slice(0, m.index).split('\n').length;
    const tags = m[2]!.trim().split(/\s+/).filter(Boolean);
    blocks.push({ line, lang: m[1]!, tags, code: m[3]! });
  }
  return blocks;
}

const ARROW = '// → ';

/**
 * The outputs a block's `// →` comments promise, one entry per comment (continuation
 * lines joined with newlines).
 * @example expectedOutputs('log(t); // → tensor([1, 2])') // ['tensor([1, 2])']
 */
export function expectedOutputs(code: string): string[] {
  const lines = code.split('\n');
  const outputs: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const at = lines[i]!.indexOf(ARROW);
    if (at < 0) continue;
    const column = at + ARROW.length;
    const parts = [lines[i]!.slice(column).trimEnd()];
    // A continuation is a comment-only line whose text starts at `column` exactly.
    while (i + 1 < lines.length && isContinuation(lines[i + 1]!, column)) {
      parts.push(lines[++i]!.slice(column).trimEnd());
    }
    outputs.push(parts.join('\n'));
  }
  return outputs;
}

/** Whether `line` continues an output whose text starts at `column`. */
export function isContinuation(line: string, column: number): boolean {
  const head = line.slice(0, column);
  return /^\s*\/\/\s*$/.test(head) && line.slice(column).trim() !== '' && !line.includes(ARROW);
}

/** Whether `actual` is what `expected` promises (a trailing `…` makes it a prefix). */
export function outputMatches(expected: string, actual: string): boolean {
  return expected.endsWith('…')
    ? actual.startsWith(expected.slice(0, -1).trimEnd())
    : actual === expected;
}
