// The configuration reference (docs/configuration.md) against the settings schema in
// src/config/settings.ts: every setting documented exactly once, nothing documented that
// does not exist, and each documented default the one the code applies.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SETTING_KEYS, type SettingKey, settingsSchema } from '../../src/config/settings.ts';
import { SETTINGS_FILE } from '../../src/config/sources.ts';

const DOC_PATH = join(import.meta.dirname, '..', '..', 'docs', 'configuration.md');
const doc = readFileSync(DOC_PATH, 'utf8');

interface Row {
  /** 1-based line number in the document, for messages. */
  line: number;
  /** The cells, trimmed, without the outer pipes. */
  cells: string[];
}

/** The table rows under a heading, up to the next heading of any level. */
function tableRows(markdown: string, heading: string): Row[] {
  const lines = markdown.split('\n');
  const start = lines.indexOf(heading);
  if (start < 0) throw new Error(`${DOC_PATH}: no "${heading}" heading`);
  const rows: Row[] = [];
  for (let i = start + 1; i < lines.length; i++) {
    const text = lines[i] ?? '';
    if (/^#{1,6} /.test(text)) break;
    if (!text.startsWith('|')) continue;
    const cells = text
      .replace(/^\|/, '')
      .replace(/\|\s*$/, '')
      .split('|')
      .map((c) => c.trim());
    const header = cells[0] === 'Variable';
    const separator = cells.every((c) => /^:?-+:?$/.test(c));
    if (!header && !separator) rows.push({ line: i + 1, cells });
  }
  return rows;
}

/** The text of a cell's first code span, or undefined. */
const codeSpan = (cell: string): string | undefined => /`([^`]+)`/.exec(cell)?.[1];

const rows = tableRows(doc, '## Settings');
const documented = rows.map((r) => ({
  row: r,
  key: /^`([A-Z][A-Z0-9_]*)`$/.exec(r.cells[0] ?? '')?.[1],
}));
const keys = documented.flatMap((d) => (d.key ? [d.key] : []));
const known = new Set<string>(SETTING_KEYS);

/** What the code applies when the setting is not given anywhere. */
const defaultOf = (key: SettingKey): unknown => settingsSchema.shape[key].parse(undefined);

describe('docs/configuration.md settings table', () => {
  it('has one row per variable, each naming it as `KEY` in the first column', () => {
    const malformed = documented.filter((d) => !d.key).map((d) => `line ${d.row.line}`);
    expect(malformed, 'rows whose first cell is not a single `KEY`').toEqual([]);
    expect(
      rows.every((r) => r.cells.length === 4),
      'rows must have 4 cells',
    ).toBe(true);
  });

  it('documents every setting of src/config/settings.ts', () => {
    const missing = SETTING_KEYS.filter((key) => !keys.includes(key));
    expect(missing, 'settings missing from docs/configuration.md').toEqual([]);
  });

  it('documents no setting that does not exist', () => {
    const unknown = keys.filter((key) => !known.has(key));
    expect(unknown, 'documented settings absent from src/config/settings.ts').toEqual([]);
  });

  it('documents each setting once', () => {
    const twice = keys.filter((key, i) => keys.indexOf(key) !== i);
    expect(twice).toEqual([]);
  });

  it('states the default the code applies', () => {
    const wrong: string[] = [];
    for (const { row, key } of documented) {
      if (!key || !known.has(key)) continue;
      const setting = key as SettingKey;
      const cell = row.cells[1] ?? '';
      const actual = defaultOf(setting);
      if (cell.startsWith('unset')) {
        // "unset: …" describes what happens without a value; the schema has none either.
        const none = actual === undefined || (Array.isArray(actual) && actual.length === 0);
        if (!none) wrong.push(`${key}: documented unset, code default ${JSON.stringify(actual)}`);
        continue;
      }
      const text = codeSpan(cell);
      if (text === undefined) {
        wrong.push(`${key}: default cell must be \`value\` or start with "unset"`);
        continue;
      }
      const parsed = settingsSchema.shape[setting].safeParse(text);
      if (!parsed.success || JSON.stringify(parsed.data) !== JSON.stringify(actual)) {
        wrong.push(`${key}: documented ${text}, code default ${JSON.stringify(actual)}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe('docs/configuration.md files', () => {
  it('documents CONFIG_DIR and the settings file', () => {
    expect(tableRows(doc, '### Other environment variables').map((r) => r.cells[0])).toContain(
      '`CONFIG_DIR`',
    );
    expect(doc).toContain(`### ${SETTINGS_FILE}`);
  });
});
