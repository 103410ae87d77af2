/**
 * docs/deploy.md against the code. Its compose file cannot be run here (no container engine), so
 * its text is checked instead: every variable it gives the servers is one the server reads, the
 * command it runs is `npm start`'s, and its parts agree with each other (the database URL with
 * the database's user, password and name; the proxy's target with the servers' port). The
 * variables of the page's table are read by the server too, and its `digitrec` and `npm run`
 * commands exist (`db migrate` is run for real on a temporary file).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { MIGRATIONS, openStoreReadOnly } from '../data/store.js';

const ROOT = join(import.meta.dirname, '..', '..');
const DOC = readFileSync(join(ROOT, 'docs', 'deploy.md'), 'utf8');
const PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
  bin: Record<string, string>;
};

/** The environment variables the server reads: `process.env.NAME` and quoted `DIGITREC_*` names. */
function serverVariables(): Set<string> {
  const source = readFileSync(join(ROOT, 'src', 'server', 'main.ts'), 'utf8');
  const names = new Set<string>();
  for (const m of source.matchAll(/process\.env\.([A-Z][A-Z0-9_]*)/g)) names.add(m[1]);
  for (const m of source.matchAll(/'(DIGITREC_[A-Z0-9_]+)'/g)) names.add(m[1]);
  return names;
}

/** The first fenced block of `lang` after the heading `heading`. */
function block(heading: string, lang: string): string {
  const at = DOC.indexOf(`\n## ${heading}\n`);
  assert.ok(at >= 0, `docs/deploy.md has a "## ${heading}" section`);
  const m = new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``).exec(DOC.slice(at));
  assert.ok(m, `a \`\`\`${lang} block under "${heading}"`);
  return m[1];
}

/**
 * The keys and scalar values of a YAML block mapping, by indentation: `path` names the keys
 * from the top (`['services', 'digitrec', 'environment']`). Enough for the compose file's plain
 * `key: value` lines; flow collections and multi-line scalars are returned as their text.
 */
function mapping(yaml: string, path: string[]): Map<string, string> {
  const lines = yaml.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));
  let from = 0;
  let indent = -1;
  for (const key of path) {
    const i = lines.findIndex(
      (l, j) =>
        j >= from && l.search(/\S/) > indent && l.trim().replace(/\s+#.*$/, '') === `${key}:`,
    );
    assert.ok(i >= 0, `compose file: no ${path.join('.')} (missing ${key})`);
    indent = lines[i].search(/\S/);
    from = i + 1;
  }
  const out = new Map<string, string>();
  let childIndent = -1;
  for (const l of lines.slice(from)) {
    const at = l.search(/\S/);
    if (at <= indent) break;
    if (childIndent < 0) childIndent = at;
    if (at !== childIndent) continue;
    const m = /^([\w.-]+):\s*(.*?)\s*(?:#.*)?$/.exec(l.trim());
    if (m) out.set(m[1], m[2].replace(/^"(.*)"$/, '$1'));
  }
  return out;
}

const COMPOSE = block('A compose file', 'yaml');

test('the server reads the variables this test looks for (the parser finds them)', () => {
  const read = serverVariables();
  for (const name of ['DIGITREC_DATABASE_URL', 'DIGITREC_ADMIN_TOKEN', 'HOST', 'PORT'])
    assert.ok(read.has(name), `${name} among ${[...read].join(', ')}`);
  assert.ok(!read.has('DIGITREC_NO_SUCH_SETTING'));
});

test("the compose file gives the servers only variables the server reads, and runs npm start's command", () => {
  const read = serverVariables();
  const env = mapping(COMPOSE, ['services', 'digitrec', 'environment']);
  assert.ok(env.size >= 4, `compose environment: ${[...env.keys()].join(', ')}`);
  for (const name of env.keys())
    assert.ok(read.has(name), `compose sets ${name}, which src/server/main.ts does not read`);
  const service = mapping(COMPOSE, ['services', 'digitrec']);
  assert.equal(service.get('command'), PACKAGE.scripts.start, 'the same command as npm start');
  const main = PACKAGE.scripts.start.split(' ').at(-1) ?? '';
  assert.equal(main, 'dist/server/main.js');
});

test("the compose file's parts agree: the database URL, the database and the proxy's target", () => {
  const env = mapping(COMPOSE, ['services', 'digitrec', 'environment']);
  const db = mapping(COMPOSE, ['services', 'db', 'environment']);
  const url = new URL(env.get('DIGITREC_DATABASE_URL') ?? '');
  assert.equal(url.protocol, 'postgres:');
  assert.equal(url.username, db.get('POSTGRES_USER'));
  assert.equal(url.password, db.get('POSTGRES_PASSWORD'));
  assert.equal(url.pathname, `/${db.get('POSTGRES_DB')}`);
  assert.equal(url.hostname, 'db', 'the database service by name');
  assert.ok(mapping(COMPOSE, ['services']).has('db'));
  assert.equal(env.get('HOST'), '0.0.0.0', 'listening for the proxy, not only on loopback');
  const proxy = mapping(COMPOSE, ['services', 'proxy']).get('command') ?? '';
  assert.match(proxy, new RegExp(`--to digitrec:${env.get('PORT')}\\b`));
  // The admin token comes from the host's environment, never written in the file.
  assert.match(env.get('DIGITREC_ADMIN_TOKEN') ?? '', /^\$\{DIGITREC_ADMIN_TOKEN\}$/);
  assert.match(DOC, /not run on the project's build machine/i, 'the page says it was not run');
});

test("the table's variables are read by the server; its digitrec and npm commands exist", () => {
  const read = serverVariables();
  const section = DOC.slice(DOC.indexOf('## What each server needs'));
  const rows = section.slice(0, section.indexOf('\n\n', section.indexOf('| ---')));
  const named = [...rows.matchAll(/^\| ((?:`[A-Z_]+`(?:, )?)+)/gm)].flatMap((m) =>
    [...m[1].matchAll(/`([A-Z_]+)`/g)].map((n) => n[1]),
  );
  assert.ok(named.length >= 6, `table variables: ${named.join(', ')}`);
  for (const name of named) assert.ok(read.has(name), `the table names ${name}, which is not read`);

  assert.equal(PACKAGE.bin.digitrec, 'bin/digitrec.js');
  const cli = (...args: string[]) =>
    execFileSync(process.execPath, [join(ROOT, 'bin', 'digitrec.js'), ...args], {
      encoding: 'utf8',
    });
  const dbHelp = cli('db', '--help');
  for (const m of DOC.matchAll(/digitrec db (\w+)((?: --[\w-]+)*)/g)) {
    assert.match(dbHelp, new RegExp(`digitrec db ${m[1]}\\b`), `db ${m[1]}`);
    for (const flag of m[2].trim().split(' ').filter(Boolean))
      assert.ok(dbHelp.includes(flag), `db ${m[1]} ${flag}`);
  }
  assert.match(cli('train', '--help'), /samples\[:DB\] \(app store: file or postgres:\/\/…\)/);
  for (const m of DOC.matchAll(/npm run (\w+)/g))
    assert.ok(PACKAGE.scripts[m[1]], `npm run ${m[1]}`);
  assert.match(DOC, /npm run bench -- --only shared/);
  assert.match(readFileSync(join(ROOT, 'scripts', 'bench.mjs'), 'utf8'), /'shared',/);

  // The first command of "Moving an SQLite deployment", run on a temporary file.
  const dir = mkdtempSync(join(tmpdir(), 'digitrec-deploy-doc-'));
  try {
    const file = join(dir, 'digitrec.db');
    const migrate = /digitrec db migrate --database sqlite:(\S+)/.exec(DOC);
    assert.ok(migrate);
    cli('db', 'migrate', '--database', `sqlite:${file}`);
    const store = openStoreReadOnly(file);
    assert.equal(store.schemaVersion, MIGRATIONS.length);
    store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
