// `scopegate installations list|show` and `scopegate revoke`: the grant ledger as the
// operator sees it, and the operator's revocation (recorded as revoked_by "operator").
import type { Command } from 'commander';
import type { Installation } from '../store/types.ts';
import { adminRequest, connect } from './admin-client.ts';
import { fields, table } from './format.ts';
import { action, adminOptions, CliError, print, printJson } from './output.ts';

interface ConnectionOptions {
  adminUrl?: string;
  json?: boolean;
}

interface ListOptions extends ConnectionOptions {
  app?: string;
  site?: string;
  merchant?: string;
}

/** The record as the admin API returns it (enforced_at and pending_gateways may be absent). */
type InstallationRecord = Installation & { pending_gateways?: string[] };

function installationPath(id: string): string {
  return `/admin/installations/${encodeURIComponent(id)}`;
}

function installationFields(i: InstallationRecord): string {
  return fields([
    ['id', i.id],
    ['app', i.app],
    ['merchant', i.merchant],
    ['site', i.site],
    ['requested_scopes', i.requested_scopes.join(' ')],
    ['approved_scopes', i.approved_scope.scopes.join(' ')],
    ['audience', i.approved_scope.audience],
    ['access_mode', i.access_mode],
    ['approved_at', i.approved_at],
    ['approved_by', i.approved_by],
    ['revoked_at', i.revoked_at],
    ['revoked_by', i.revoked_by],
    ['revoke_reason', i.revoke_reason],
    ['enforced_at', i.enforced_at],
  ]);
}

async function list(opts: ListOptions): Promise<void> {
  const conn = connect(opts);
  const query = new URLSearchParams();
  for (const key of ['app', 'site', 'merchant'] as const) {
    const value = opts[key];
    if (value) query.set(key, value);
  }
  const qs = query.size ? `?${query}` : '';
  const body = (await adminRequest(conn, 'GET', `/admin/installations${qs}`)) as {
    installations: InstallationRecord[];
  };
  if (opts.json) return printJson(body);
  if (body.installations.length === 0) return print('no installations');
  print(
    table(
      ['id', 'app', 'site', 'merchant', 'scopes', 'mode', 'approved_at', 'revoked_at'],
      body.installations.map((i) => [
        i.id,
        i.app,
        i.site,
        i.merchant,
        i.approved_scope.scopes,
        i.access_mode,
        i.approved_at,
        i.revoked_at,
      ]),
    ),
  );
}

async function show(id: string, opts: ConnectionOptions): Promise<void> {
  const record = (await adminRequest(
    connect(opts),
    'GET',
    installationPath(id),
  )) as InstallationRecord;
  if (opts.json) return printJson(record);
  print(installationFields(record));
}

async function revoke(id: string, opts: ConnectionOptions & { reason: string }): Promise<void> {
  if (opts.reason.trim() === '') throw new CliError('--reason must not be empty');
  const conn = connect(opts);
  const before = (await adminRequest(conn, 'GET', installationPath(id))) as InstallationRecord;
  const record = (await adminRequest(conn, 'POST', `${installationPath(id)}/revoke`, {
    reason: opts.reason,
  })) as InstallationRecord;
  if (opts.json) return printJson(record);
  print(
    before.revoked_at
      ? `installation ${id} was already revoked; the first revocation is kept`
      : `revoked installation ${id}`,
  );
  print(installationFields(record));
  if (record.pending_gateways?.length) {
    process.stderr.write(
      `warning: not yet acknowledged by gateway(s) ${record.pending_gateways.join(', ')}; enforced_at stays unset until they do\n`,
    );
  }
}

/** Adds `installations list`, `installations show` and `revoke` to the program. */
export function installationCommands(program: Command): void {
  const group = program
    .command('installations')
    .description('the grant ledger: who approved which app on which site');
  adminOptions(
    group
      .command('list')
      .description('list installations, newest approval first')
      .option('--app <id>', 'only this app (client_id)')
      .option('--site <id>', 'only this site')
      .option('--merchant <id>', 'only this merchant'),
  ).action(action(list));
  adminOptions(
    group
      .command('show')
      .description('one installation record')
      .argument('<id>', 'installation id'),
  ).action(action(show));
  adminOptions(
    program
      .command('revoke')
      .description(
        'revoke an installation: its tokens stop working at once; revoked_at is recorded',
      )
      .argument('<id>', 'installation id')
      .requiredOption('--reason <text>', 'why (kept in the record as revoke_reason)'),
  ).action(action(revoke));
}
