#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { loadConfig } from './config';
import { openDatabase } from './store/db';
import { migrateToLatest } from './store/migrations';
import { createRepositories } from './store';
import { Value } from '@sinclair/typebox/value';
import { SubscriptionPut } from './schemas/internal';

const usage = `privatecloud-relay <command>   (the admin command line; the server is \`node dist/main.js\`)

  users list
  users add --login L --email E [--name N] [--min-severity info|warning|critical]
            [--cluster C]... [--host H]... [--vm V]... [--alertname A]...
            [--no-resolved] [--digest-minutes M] [--quiet 22:00-07:00 --tz Europe/Berlin] [--confirmed]
  users remove --login L
  outbox parked
  outbox retry --id N
  migrate

Reads the same environment as the server (DATABASE_URL, ...). Without --confirmed a new address
gets a confirmation e-mail from the running relay (double opt-in).`;

/** main runs one admin command against the relay's database. */
export async function main(argv: string[]): Promise<number> {
  const [group, cmd] = argv;
  const { values } = parseArgs({
    args: argv.slice(cmd ? 2 : 1),
    options: {
      login: { type: 'string' },
      email: { type: 'string' },
      name: { type: 'string' },
      'min-severity': { type: 'string' },
      cluster: { type: 'string', multiple: true },
      host: { type: 'string', multiple: true },
      vm: { type: 'string', multiple: true },
      alertname: { type: 'string', multiple: true },
      'no-resolved': { type: 'boolean' },
      'no-firing': { type: 'boolean' },
      'digest-minutes': { type: 'string' },
      quiet: { type: 'string' },
      tz: { type: 'string' },
      confirmed: { type: 'boolean' },
      id: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
  });
  if (!group || values.help) {
    process.stdout.write(`${usage}\n`);
    return group ? 0 : 2;
  }
  const cfg = loadConfig();
  const handle = openDatabase(cfg.DATABASE_URL, { poolSize: 2 });
  try {
    await migrateToLatest(handle);
    const { users, outbox } = createRepositories(handle);
    const key = `${group} ${cmd ?? ''}`.trim();
    switch (key) {
      case 'migrate':
        process.stdout.write('database is up to date\n');
        return 0;
      case 'users list':
        for (const u of await users.listUsers()) {
          process.stdout.write(
            `${u.login}\t${u.email}\t${u.confirmed ? 'confirmed' : 'unconfirmed'}\tmin=${u.minSeverity}\tdigest=${u.digestMinutes}m\t${JSON.stringify(u.matchers)}\n`
          );
        }
        return 0;
      case 'users add': {
        if (!values.login || !values.email) {
          throw new Error('users add needs --login and --email');
        }
        const body: Record<string, unknown> = { email: values.email };
        if (values.name) {
          body.name = values.name;
        }
        if (values['min-severity']) {
          body.minSeverity = values['min-severity'];
        }
        const matchers: Record<string, string[]> = {};
        for (const k of ['cluster', 'host', 'vm', 'alertname'] as const) {
          if (values[k]) {
            matchers[k] = values[k] as string[];
          }
        }
        body.matchers = matchers;
        if (values['no-resolved']) {
          body.resolved = false;
        }
        if (values['no-firing']) {
          body.firing = false;
        }
        if (values['digest-minutes']) {
          body.digestMinutes = Number(values['digest-minutes']);
        }
        if (values.quiet) {
          const [start, end] = values.quiet.split('-');
          body.quietHours = { start, end, tz: values.tz ?? 'UTC' };
        }
        if (values.confirmed) {
          body.confirmed = true;
        }
        if (!Value.Check(SubscriptionPut, body)) {
          const e = [...Value.Errors(SubscriptionPut, body)][0];
          const flag = e.path
            .replace(/^\//, '')
            .replace(/([A-Z])/g, '-$1')
            .toLowerCase()
            .split('/')[0];
          throw new Error(
            flag === 'email'
              ? '--email is not an e-mail address'
              : `invalid value for --${flag || 'arguments'}: ${e.message}`
          );
        }
        const r = await users.putUser(values.login, body as never, {
          now: Date.now(),
          defaultDigestMinutes: cfg.RELAY_DEFAULT_DIGEST_MINUTES,
          confirmUrl: (t) => `${cfg.PUBLIC_URL.replace(/\/$/, '')}/confirm?token=${t}`,
          trustConfirmed: true,
        });
        process.stdout.write(
          `${r.subscription.login}: ${r.subscription.confirmed ? 'confirmed' : 'confirmation e-mail queued'}\n`
        );
        return 0;
      }
      case 'users remove':
        if (!values.login) {
          throw new Error('users remove needs --login');
        }
        if (
          !(await users.deleteUser(values.login, Date.now(), { login: 'privatecloud-relay (CLI)', role: 'Operator' }))
        ) {
          process.stderr.write(`no user ${values.login}\n`);
          return 1;
        }
        process.stdout.write(`removed ${values.login}\n`);
        return 0;
      case 'outbox parked':
        for (const r of await outbox.listOutbox('parked')) {
          process.stdout.write(`${r.id}\t${r.kind}\t${r.login}\tattempts=${r.attempts}\t${r.last_error ?? ''}\n`);
        }
        return 0;
      case 'outbox retry':
        if (!values.id || !(await outbox.retryParked(Number(values.id), Date.now()))) {
          process.stderr.write('no parked mail with that --id\n');
          return 1;
        }
        process.stdout.write(`mail ${values.id} queued again\n`);
        return 0;
      default:
        process.stderr.write(`unknown command "${key}"\n\n${usage}\n`);
        return 2;
    }
  } finally {
    await handle.db.destroy();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`privatecloud-relay: ${(err as Error).message}\n`);
      process.exit(1);
    }
  );
}
