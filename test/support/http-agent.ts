// A minimal user agent for flows driven over plain HTTP: a cookie jar (by name and
// path), manual redirects, and form posting; enough to play a merchant in tests.

export interface Page {
  status: number;
  url: string;
  location: string | undefined;
  body: string;
}

interface Cookie {
  name: string;
  value: string;
  path: string;
}

export class HttpAgent {
  private cookies: Cookie[] = [];

  private store(url: URL, headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const [pair = '', ...attrs] = line.split(';').map((s) => s.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      const pathAttr = attrs.find((a) => a.toLowerCase().startsWith('path='));
      const path = pathAttr ? pathAttr.slice(5) : url.pathname;
      const expired = attrs.some(
        (a) =>
          /^max-age=0$/i.test(a) || (/^expires=/i.test(a) && Date.parse(a.slice(8)) < Date.now()),
      );
      this.cookies = this.cookies.filter((c) => !(c.name === name && c.path === path));
      if (!expired) this.cookies.push({ name, value, path });
    }
  }

  private header(url: URL): string {
    return this.cookies
      .filter((c) => url.pathname.startsWith(c.path))
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }

  async request(
    method: string,
    url: string,
    form?: Record<string, string | string[]>,
  ): Promise<Page> {
    const u = new URL(url);
    const headers: Record<string, string> = { cookie: this.header(u) };
    let body: string | undefined;
    if (form) {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(form)) for (const x of [v].flat()) params.append(k, x);
      body = params.toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const res = await fetch(u, { method, headers, body, redirect: 'manual' });
    this.store(u, res.headers);
    const location = res.headers.get('location') ?? undefined;
    return {
      status: res.status,
      url,
      location: location ? new URL(location, u).href : undefined,
      body: await res.text(),
    };
  }

  /** Follows redirects until a non-redirect or a URL starting with `stopAt`. */
  async follow(page: Page, stopAt: string): Promise<Page> {
    let current = page;
    for (
      let i = 0;
      i < 10 && current.location && current.status >= 300 && current.status < 400;
      i++
    ) {
      if (current.location.startsWith(stopAt)) return current;
      current = await this.request('GET', current.location);
    }
    return current;
  }

  get(url: string): Promise<Page> {
    return this.request('GET', url);
  }

  post(url: string, form: Record<string, string | string[]>): Promise<Page> {
    return this.request('POST', url, form);
  }
}

/** The value of a hidden or text input in an HTML page. */
export function inputValue(html: string, name: string): string | undefined {
  const re = new RegExp(`<input[^>]*name="${name}"[^>]*value="([^"]*)"`);
  return re.exec(html)?.[1];
}

/** The `action` of the first form in a page, absolute against `base`. */
export function formAction(html: string, base: string): string {
  const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
  if (!action) throw new Error(`no form in page: ${html.slice(0, 500)}`);
  return new URL(action.replaceAll('&amp;', '&'), base).href;
}
