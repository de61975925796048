/**
 * Titles of `it.each`/`describe.each` cases, formatted the way vitest does: printf-style
 * `%s %d %i %f %j %o %O %#` (index) `%$` (index + 1) `%%`, and `$key.path` for object rows.
 */

function show(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return `[Function ${value.name || 'anonymous'}]`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function lookup(row: unknown, path: string): unknown {
  let value: unknown = row;
  for (const key of path.split('.')) value = (value as Record<string, unknown> | undefined)?.[key];
  return value;
}

/** The title of case `index` whose arguments are `args` (the row spread, or the row itself). */
export function eachName(template: string, args: unknown[], index: number): string {
  let next = 0;
  let title = template.replace(/%[sdifjoO#$%]/g, (token) => {
    if (token === '%%') return '%';
    if (token === '%#') return String(index);
    if (token === '%$') return String(index + 1);
    const value = args[next++];
    if (token === '%d' || token === '%i')
      return String(token === '%i' ? Math.trunc(Number(value)) : Number(value));
    if (token === '%f') return String(Number(value));
    return show(value);
  });
  const row = args[0];
  if (args.length === 1 && row !== null && typeof row === 'object' && !Array.isArray(row))
    title = title.replace(/\$([\w.]+)/g, (_, path: string) => show(lookup(row, path)));
  return title;
}
