// Instructions per request of the bare proxy and the gateway under valgrind's callgrind:
// a count that does not depend on what else the machine is doing, unlike req/s or CPU
// time (this machine's speed drifts 10-20 % within a minute). Each proxy runs in a child
// under callgrind (--separate-threads), is warmed up, then its counters are zeroed, it
// serves N requests of scenario (a), and the dump is read: the main thread (JS, syscalls)
// split into garbage collection and the rest, and all threads (with GC helpers and the JIT
// compiler). How often V8 collects under valgrind's slowdown varies from run to run (0.1k
// to 7k instructions a request here), so "main without GC" is the figure to compare.
// Also the bare proxy adding the nine headers the gateway must send upstream, which tells
// what they cost apart from the gateway's checks. Minutes per proxy.
//   node bench/gateway/instructions.ts        (WARM=12000 N=4000 by default)
// KEEP=1 keeps the dumps (the directory is printed) for callgrind_annotate.
import { type ChildProcess, execFileSync, fork } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { killAll } from './children.ts';
import { single } from './scenarios.ts';
import type { ChildMessage } from './server.ts';
import { prepare, type Settings } from './setup.ts';

const WARM = Number(process.env.WARM ?? 12_000);
const N = Number(process.env.N ?? 4_000);
const ENTRY = new URL('./server.ts', import.meta.url);

async function load(url: string, token: string, amount: number): Promise<number> {
  const requests = single(token)[0];
  const result = await autocannon({ url, connections: 8, pipelining: 1, amount, requests });
  return result.requests.total;
}

function underCallgrind(kind: string, arg: string, out: string): ChildProcess {
  return fork(ENTRY, [kind, arg], {
    execPath: 'valgrind',
    execArgv: [
      '--tool=callgrind',
      '--separate-threads=yes',
      '--compress-strings=no',
      '--smc-check=all-non-file',
      `--callgrind-out-file=${out}`,
      process.execPath,
    ],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
}

function started(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    child.once('message', (m: ChildMessage) => {
      if (m.type === 'ready') resolve(m.url);
      else reject(new Error(m.type === 'failed' ? m.error : m.type));
    });
    child.once('exit', (code) => reject(new Error(`exited (${code}) before starting`)));
  });
}

/** V8's garbage collector, by the names of its C++ functions. */
const GC =
  /Scaveng|IterateObjectCache|Marking|MarkCompact|Sweep|Evacuat|RememberedSet|PointersUpdating|LiveObjectVisitor|RecordMigratedSlot|ActiveSystemPages|SizeFromMap|Heap::/;

/** The GC functions' own instructions in one dump (written with --compress-strings=no). */
function gcCost(text: string): number {
  let inGc = false;
  let callee = false;
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('fn=')) inGc = GC.test(line);
    // The cost line after `calls=` is the callee's, inclusive: not this function's own.
    else if (line.startsWith('calls=')) callee = true;
    else if (/^[+-]?\d/.test(line)) {
      if (inGc && !callee) total += Number(line.split(' ')[1] ?? 0);
      callee = false;
    }
  }
  return total;
}

/** Instructions of the dumps after the zeroing (part 1): main thread, its GC, all threads. */
function counted(dir: string, prefix: string): { main: number; mainGc: number; all: number } {
  let main = 0;
  let mainGc = 0;
  let all = 0;
  for (const file of readdirSync(dir).filter((f) => f.startsWith(prefix))) {
    const text = readFileSync(join(dir, file), 'utf8');
    if (/^part: (\d+)/m.exec(text)?.[1] !== '1') continue;
    const n = Number(/^(?:summary|totals): (\d+)/m.exec(text)?.[1] ?? 0);
    all += n;
    if (/^thread: (\d+)/m.exec(text)?.[1] === '1') {
      main += n;
      mainGc += gcCost(text);
    }
  }
  return { main, mainGc, all };
}

async function measure(kind: string, arg: string, token: string, dir: string) {
  const prefix = `cg-${kind}.out`;
  const child = underCallgrind(kind, arg, join(dir, prefix));
  try {
    const url = await started(child);
    await load(url, token, WARM);
    execFileSync('callgrind_control', ['-z', String(child.pid)], { stdio: 'ignore' });
    const served = await load(url, token, N);
    execFileSync('callgrind_control', ['-d', String(child.pid)], { stdio: 'ignore' });
    const { main, mainGc, all } = counted(dir, prefix);
    const per = (n: number) => Math.round(n / served);
    return {
      kind,
      served,
      'main without GC': per(main - mainGc),
      'main GC': per(mainGc),
      main: per(main),
      'all threads': per(all),
    };
  } finally {
    child.kill('SIGKILL');
  }
}

const dir = mkdtempSync(join(tmpdir(), 'sg-instructions-'));
try {
  const setup = await prepare(dir, { tokens: 1 } as Settings);
  const token = setup.tokens[0] ?? '';
  const bare = await measure('bare-proxy', setup.upstream.url, token, dir);
  const bareHeaders = await measure('bare-proxy-headers', setup.upstream.url, token, dir);
  const gateway = await measure('gateway', JSON.stringify(setup.gatewayEnv), token, dir);
  console.log(
    `instructions per request under callgrind (warm-up ${WARM}, measured ${N}, scenario (a))`,
  );
  console.table([bare, bareHeaders, gateway]);
  const ratio = (of: typeof bare, key: 'main without GC' | 'main' | 'all threads') =>
    (of[key] / bare[key]).toFixed(3);
  for (const [label, of] of [
    ['gateway', gateway],
    ['bare + the 9 contract headers', bareHeaders],
  ] as const) {
    console.log(
      `${label} / bare: main without GC ${ratio(of, 'main without GC')}, ` +
        `main ${ratio(of, 'main')}, all threads ${ratio(of, 'all threads')}`,
    );
  }
} finally {
  killAll();
  if (process.env.KEEP === '1') console.log(`callgrind dumps kept in ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
process.exit(0);
