// The scopegate command line: `scopegate start [--role …]` and the operator commands,
// which talk to the admin API. Only `start` loads the server, so the others start fast.
import { Command, Option } from 'commander';
import type { Role } from '../main.ts';
import { appCommands } from './apps.ts';
import { installationCommands } from './installations.ts';
import { keyCommands } from './keys.ts';

/** Every role, checked against `Role` by the type (a new role fails to compile here). */
const ROLE_CHOICES: Record<Role, true> = {
  all: true,
  auth: true,
  gateway: true,
  admin: true,
  worker: true,
};

const program = new Command('scopegate').description(
  'SitePack access layer: OAuth2 server and API gateway',
);

program
  .command('start')
  .description('run scopegate (every role by default)')
  .addOption(
    new Option('--role <role>', 'which role to run')
      .choices(Object.keys(ROLE_CHOICES))
      .default('all'),
  )
  .action(async (opts: { role: Role }) => {
    const { start } = await import('./start.ts');
    await start(opts.role);
  });

installationCommands(program);
appCommands(program);
keyCommands(program);

await program.parseAsync(process.argv);
