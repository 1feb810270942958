// A line diff (longest common subsequence after trimming the common head and tail),
// small and bounded: past MAX_CELLS the changed middle is shown as removed then added.
// Pure.

export interface DiffLine {
  op: 'same' | 'add' | 'remove';
  text: string;
}

/** The largest LCS table (lines × lines) computed; 2 bytes a cell. */
export const MAX_CELLS = 4_000_000;

const same = (text: string): DiffLine => ({ op: 'same', text });
const add = (text: string): DiffLine => ({ op: 'add', text });
const remove = (text: string): DiffLine => ({ op: 'remove', text });

/** The lines of `after` against those of `before`, in order. */
export function lineDiff(before: readonly string[], after: readonly string[]): DiffLine[] {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let endA = before.length;
  let endB = after.length;
  while (endA > start && endB > start && before[endA - 1] === after[endB - 1]) {
    endA--;
    endB--;
  }
  return [
    ...before.slice(0, start).map(same),
    ...middle(before.slice(start, endA), after.slice(start, endB)),
    ...before.slice(endA).map(same),
  ];
}

function middle(a: readonly string[], b: readonly string[]): DiffLine[] {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0 || n * m > MAX_CELLS || Math.min(n, m) > 0xffff) {
    return [...a.map(remove), ...b.map(add)];
  }
  // lcs[i][j]: the longest common subsequence of a[i..] and b[j..].
  const w = m + 1;
  const lcs = new Uint16Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * w + j] =
        a[i] === b[j]
          ? (lcs[(i + 1) * w + j + 1] ?? 0) + 1
          : Math.max(lcs[(i + 1) * w + j] ?? 0, lcs[i * w + j + 1] ?? 0);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    const x = a[i] as string;
    const y = b[j] as string;
    if (x === y) {
      out.push(same(x));
      i++;
      j++;
    } else if ((lcs[(i + 1) * w + j] ?? 0) >= (lcs[i * w + j + 1] ?? 0)) {
      out.push(remove(x));
      i++;
    } else {
      out.push(add(y));
      j++;
    }
  }
  for (; i < n; i++) out.push(remove(a[i] as string));
  for (; j < m; j++) out.push(add(b[j] as string));
  return out;
}
