// A tagged template for server-rendered pages: every interpolated value is escaped
// unless it is a fragment built by this same template, so no page can emit raw input.

const FRAGMENT = Symbol('html');

/** Trusted markup: only `html` and `join` make one. */
export interface Html {
  readonly [FRAGMENT]: true;
  readonly value: string;
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

function isHtml(v: unknown): v is Html {
  return typeof v === 'object' && v !== null && FRAGMENT in v;
}

type Value = Html | string | number | boolean | null | undefined | readonly Value[];

function render(v: Value): string {
  if (v === null || v === undefined || v === false) return '';
  if (Array.isArray(v)) return v.map(render).join('');
  if (isHtml(v)) return v.value;
  return escapeHtml(String(v));
}

function fragment(value: string): Html {
  return { [FRAGMENT]: true, value };
}

export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += render(v) + (strings[i + 1] ?? '');
  });
  return fragment(out);
}
