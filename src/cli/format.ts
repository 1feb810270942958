// Plain-text layouts for terminals, without dependencies: tables with aligned columns and
// label/value blocks. Empty values print as "-" so columns never collapse.

/** A cell or value: null and undefined print as "-", lists as comma-separated. */
export type Cell = string | number | null | undefined | readonly string[];

function text(value: Cell): string {
  if (value === null || value === undefined || value === '') return '-';
  if (Array.isArray(value)) return value.length ? value.join(',') : '-';
  return String(value);
}

/** Columns separated by two spaces, each as wide as its widest cell; no trailing spaces. */
export function table(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const cells = [headers.map((h) => h.toUpperCase()), ...rows.map((r) => r.map(text))];
  const widths = headers.map((_, c) => Math.max(...cells.map((r) => (r[c] ?? '').length)));
  return cells
    .map((r) =>
      r
        .map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** `label  value` lines with the values aligned; a list value continues on further lines. */
export function fields(pairs: readonly (readonly [string, Cell])[]): string {
  const width = Math.max(...pairs.map(([label]) => label.length));
  const lines: string[] = [];
  for (const [label, value] of pairs) {
    const values = Array.isArray(value) && value.length > 0 ? value : [text(value)];
    values.forEach((v, i) => {
      lines.push(`${(i === 0 ? label : '').padEnd(width)}  ${v}`);
    });
  }
  return lines.join('\n');
}
