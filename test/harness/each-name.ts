/**
 * Titles of `it.each`/`describe.each`/`.for` cases, formatted exactly as vitest 4's runner
 * does (`formatTitle` in @vitest/runner), with the same display helpers from @vitest/utils:
 * printf-style `%s %d %i %f %j %o %O`, `%#` (index), `%$` (index + 1), `%%`, and
 * `$key.path` for object rows. Identical titles let a matrix failure be found by name.
 */
import { format, formatRegExp, objDisplay } from '@vitest/utils/display';
import { isNegativeNaN, isObject, objectAttr } from '@vitest/utils/helpers';

function eachMatch(
  input: string,
  regex: RegExp,
  onMatch: (m: RegExpExecArray) => void,
  onText: (s: string) => void,
) {
  let last = 0;
  for (const m of input.matchAll(regex)) {
    if (last < m.index) onText(input.slice(last, m.index));
    onMatch(m as RegExpExecArray);
    last = m.index + m[0].length;
  }
  if (last < input.length) onText(input.slice(last));
}

/** The title of case `index` whose items are `items` (the row spread, or `[row]`). */
export function eachName(template: string, items: unknown[], index: number): string {
  if (template.includes('%#') || template.includes('%$'))
    template = template
      .replace(/%%/g, '__vitest_escaped_%__')
      .replace(/%#/g, `${index}`)
      .replace(/%\$/g, `${index + 1}`)
      .replace(/__vitest_escaped_%__/g, '%%');
  const count = template.split('%').length - 1;
  if (template.includes('%f')) {
    const placeholders = template.match(/%f/g) ?? [];
    placeholders.forEach((_, i) => {
      if (isNegativeNaN(items[i] as number) || Object.is(items[i], -0)) {
        let occurrence = 0;
        template = template.replace(/%f/g, (match) => {
          occurrence++;
          return occurrence === i + 1 ? '-%f' : match;
        });
      }
    });
  }
  const isObjectItem = isObject(items[0]);
  const formatAttribute = (s: string) =>
    s.replace(/\$([$\w.]+)/g, (_, key: string) => {
      const isArrayKey = /^\d+$/.test(key);
      if (!isObjectItem && !isArrayKey) return `$${key}`;
      const arrayElement = isArrayKey ? objectAttr(items, key) : undefined;
      const value = isObjectItem ? objectAttr(items[0], key, arrayElement) : arrayElement;
      return objDisplay(value);
    });
  let output = '';
  let i = 0;
  eachMatch(
    template,
    formatRegExp,
    (match) => {
      output += i < count ? format(match[0], items[i++]) : match[0];
    },
    (text) => {
      output += formatAttribute(text);
    },
  );
  return output;
}
