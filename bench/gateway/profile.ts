// Reads a V8 .cpuprofile of a bench server and says where its time went per request: by
// package or file, hottest functions, inclusive app frames (native ones include descheduling).
import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileRow {
  what: string;
  'µs/req': number;
  '% busy': number;
}

export interface ProfileSummary {
  busyUsPerReq: number;
  byArea: ProfileRow[];
  hottest: ProfileRow[];
  inclusive: ProfileRow[];
}

const IDLE = new Set(['(idle)', '(root)']);
/** Not the server's work: the profiler's own stop call. */
const PROFILER_URL = 'node:inspector';

/** The package (node_modules/<pkg>), repo file (src/…) or node module a frame belongs to. */
export function areaOf(frame: CallFrame): string {
  if (!frame.url) return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules)/.exec(frame.url);
  if (pkg?.[1]) return pkg[1] === 'koa' || pkg[1].startsWith('@koa') ? 'koa' : pkg[1];
  const src = /\/(src\/.+)$/.exec(frame.url);
  if (src?.[1]) return src[1];
  if (frame.url.startsWith('node:')) return frame.url.replace(/^node:(internal\/)?/, 'node:');
  return frame.url.replace(/^.*\//, '');
}

function frameName(frame: CallFrame): string {
  const file = frame.url.replace(/^.*\/(node_modules|src)\//, '$1/').replace(/^node:/, '');
  return `${frame.functionName || '(anonymous)'} ${file}:${frame.lineNumber + 1}`;
}

function selfTimes(profile: CpuProfile): Map<number, number> {
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  return self;
}

function parents(profile: CpuProfile): Map<number, number> {
  const parent = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);
  return parent;
}

function add(into: Map<string, number>, key: string, us: number): void {
  into.set(key, (into.get(key) ?? 0) + us);
}

function rows(totals: Map<string, number>, busy: number, requests: number, top: number) {
  return [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([what, us]) => ({
      what,
      'µs/req': Number((us / requests).toFixed(1)),
      '% busy': Number(((100 * us) / busy).toFixed(1)),
    }));
}

/** Frames of this repo and of the libraries on the request path, for inclusive time. */
function isAppFrame(frame: CallFrame): boolean {
  return /\/src\/|node_modules\/(koa|@koa|undici|jose)\//.test(frame.url);
}

export function summarize(file: string, requests: number, top = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = parents(profile);
  const byArea = new Map<string, number>();
  const byFrame = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let busy = 0;
  for (const [id, us] of selfTimes(profile)) {
    const node = byId.get(id);
    if (!node || IDLE.has(node.callFrame.functionName) || node.callFrame.url === PROFILER_URL) {
      continue;
    }
    busy += us;
    add(byArea, areaOf(node.callFrame), us);
    add(byFrame, frameName(node.callFrame), us);
    // Inclusive: each app frame on the sample's stack, once however deep it recurses.
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)?.callFrame;
      if (frame && isAppFrame(frame)) seen.add(frameName(frame));
    }
    for (const name of seen) add(inclusive, name, us);
  }
  return {
    busyUsPerReq: Number((busy / requests).toFixed(1)),
    byArea: rows(byArea, busy, requests, top),
    hottest: rows(byFrame, busy, requests, top),
    inclusive: rows(inclusive, busy, requests, top * 2),
  };
}
