import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cliHarness } from './test-harness.js';

// Help, version and path errors through the built command: none of these loads data or trains.
const { dir, run } = cliHarness('help');
const COMMANDS = [
  'train',
  'eval',
  'predict',
  'report',
  'synth',
  'crossval',
  'simulate',
  'personalise',
  'db',
  'export',
];

test('-h and --help print each command’s help and exit 0, also after other options', () => {
  for (const name of COMMANDS) {
    for (const args of [
      [name, '-h'],
      [name, '--help'],
      ['help', name],
      [name, '--json', '-h'],
    ]) {
      const r = run(...args);
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.err}`);
      assert.ok(r.out.startsWith(`digitrec ${name}`), `${args.join(' ')} printed ${r.out}`);
      assert.equal(r.err, '');
    }
  }
  const top = run('-h');
  assert.equal(top.code, 0);
  for (const name of COMMANDS) assert.match(top.out, new RegExp(`^  digitrec ${name}`, 'm'));
});

test('--version prints the package version', () => {
  const { version } = JSON.parse(
    readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8'),
  );
  for (const flag of ['--version', '-V']) {
    const r = run(flag);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, `digitrec ${version}\n`);
  }
});

test('a directory or a missing path is named in the error, with what it was for', () => {
  mkdirSync(join(dir, 'folder'));
  const cases: [string[], RegExp][] = [
    [['predict', 'folder'], /^digitrec predict: input folder is a directory; expected a file$/m],
    [['predict', 'nope.png'], /^digitrec predict: input nope\.png: no such file$/m],
    [
      ['predict', '--model', 'folder', 'nope.png'],
      /^digitrec predict: --model folder is a directory; expected a file$/m,
    ],
    [['train', '--config', 'folder'], /^digitrec train: --config folder is a directory/m],
    [
      ['train', '--out', 'folder'],
      /^digitrec train: --out folder is a directory; expected a file name to write$/m,
    ],
    [
      ['train', '--out', join('missing', 'm.json')],
      /^digitrec train: --out missing\/m\.json: cannot write in .*missing: no such file$/m,
    ],
    [['synth', '--count', '5', '--out', 'folder'], /^digitrec synth: --out folder is a directory/m],
    [['report', '--out', 'folder'], /^digitrec report: --out folder is a directory/m],
    [['report', '--model', 'nope.json'], /^digitrec report: --model nope\.json: no such file$/m],
  ];
  for (const [args, pattern] of cases) {
    const r = run(...args);
    assert.equal(r.code, 1, `${args.join(' ')}: ${r.err}`);
    assert.match(r.err, pattern);
    assert.doesNotMatch(r.err, /EISDIR|ENOENT|\n\s+at /);
  }
});

test('digitrec db: a missing subcommand or SQLite file is a usage error, before any connection', () => {
  let r = run('db');
  assert.equal(r.code, 2);
  assert.match(r.err, /db: expected a subcommand, migrate or copy/);
  r = run('db', 'copy', '--from', 'sqlite:nope.db', '--to', 'postgres://u@localhost/x');
  assert.equal(r.code, 2);
  assert.match(r.err, /--from: no such SQLite file .*nope\.db/);
  r = run('db', 'copy', '--from', 'sqlite:nope.db');
  assert.equal(r.code, 2);
  assert.match(r.err, /db copy: expected --from and --to/);
});
