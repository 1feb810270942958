// The servers the gateway bench runs in child processes, by kind: the upstream, the bare
// reference proxy, the real gateway and ablated gateways; each started from one string argument.
import type { Variant } from './ablation.ts';
import type { BenchServer } from './bench-server.ts';

export const SERVER_KINDS = [
  'upstream',
  'bare-proxy',
  'bare-proxy-headers',
  'gateway',
  'ablated-gateway',
] as const;
export type ServerKind = (typeof SERVER_KINDS)[number];

export interface AblationArg {
  env: Record<string, string>;
  variant: Variant;
}

export function isServerKind(value: string | undefined): value is ServerKind {
  return SERVER_KINDS.some((kind) => kind === value);
}

/**
 * `arg`: nothing for the upstream, its URL for the bare proxies, the JSON env for the gateway,
 * JSON `{ env, variant }` for an ablated gateway.
 */
export async function startServer(kind: ServerKind, arg: string): Promise<BenchServer> {
  switch (kind) {
    case 'upstream':
      return (await import('./upstream.ts')).startUpstream();
    case 'bare-proxy':
      return (await import('./bare-proxy.ts')).startBareProxy(arg);
    case 'bare-proxy-headers':
      return (await import('./bare-proxy.ts')).startBareProxy(arg, true);
    case 'gateway':
      return (await import('./scopegate.ts')).startGateway(
        JSON.parse(arg) as Record<string, string>,
      );
    case 'ablated-gateway': {
      const { env, variant } = JSON.parse(arg) as AblationArg;
      return (await import('./ablation.ts')).startVariant(env, variant);
    }
  }
}
