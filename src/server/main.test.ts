import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DIGIT_STROKES, drawingOf } from './test-digits.js';

const MAIN = join(import.meta.dirname, 'main.ts');
let dir: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'digitrec-main-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function start(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Resolves with the first stdout line matching `pattern`, or rejects when the process exits. */
function lineMatching(child: ChildProcess, pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    let stderr = '';
    child.stderr?.on('data', (d) => {
      stderr += d;
    });
    child.stdout?.on('data', (d) => {
      buffered += d;
      const m = pattern.exec(buffered);
      if (m) resolve(m);
    });
    child.on('exit', (code) => reject(new Error(`exited with ${code}: ${stderr}`)));
  });
}

function exitCode(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.on('exit', (code) => resolve(code));
  });
}

test('npm start: serves on PORT, creates the DIGITREC_DB directory, logs the URL, stops on SIGTERM', async () => {
  const db = join(dir, 'nested', 'dir', 'digitrec.db');
  const child = start({ PORT: '0', HOST: '127.0.0.1', DIGITREC_DB: db });
  try {
    const m = await lineMatching(child, /digitrec: http:\/\/127\.0\.0\.1:(\d+)\//);
    const res = await fetch(`http://127.0.0.1:${m[1]}/healthz`);
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { status: string }).status, 'ok');
    assert.ok(existsSync(db), 'the database file was created');
  } finally {
    child.kill('SIGTERM');
  }
  assert.equal(await exitCode(child), 0);
});

/** An open TCP connection to the server; resolves once connected. */
function openConnection(port: string, firstBytes = ''): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => {
      if (firstBytes) socket.write(firstBytes);
      resolve(socket);
    });
    socket.on('error', reject);
    // The server's FIN or reset when it drains is expected.
    socket.on('data', () => {});
  });
}

test('SIGTERM with idle, half-sent and kept-alive connections open exits 0 after the drain', {
  timeout: 30_000,
}, async () => {
  const child = start({
    PORT: '0',
    HOST: '127.0.0.1',
    DIGITREC_DB: join(dir, 'drain.db'),
    DIGITREC_SHUTDOWN_MS: '300',
  });
  const sockets: Socket[] = [];
  try {
    const m = await lineMatching(child, /digitrec: http:\/\/127\.0\.0\.1:(\d+)\//);
    sockets.push(await openConnection(m[1]));
    sockets.push(await openConnection(m[1], 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n'));
    const keptAlive = await openConnection(
      m[1],
      'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n',
    );
    sockets.push(keptAlive);
    await new Promise((resolve) => keptAlive.once('data', resolve));
    child.kill('SIGTERM');
    assert.equal(await exitCode(child), 0);
  } finally {
    for (const s of sockets) s.destroy();
    child.kill('SIGKILL');
  }
});

test('an admin token under 16 characters, a bad rate budget or thread count stops with a message and exit code 1', async () => {
  for (const [env, pattern] of [
    [
      { DIGITREC_ADMIN_TOKEN: 'hunter2' },
      /DIGITREC_ADMIN_TOKEN must be at least 16 characters, got 7/,
    ],
    [
      { DIGITREC_PREDICT_PER_MINUTE: 'lots' },
      /DIGITREC_PREDICT_PER_MINUTE must be a positive integer, got "lots"/,
    ],
    [
      { DIGITREC_RECOGNITION_THREADS: '12' },
      /DIGITREC_RECOGNITION_THREADS must be an integer from 0 to 8, got "12"/,
    ],
  ] as const) {
    const child = start({ PORT: '0', DIGITREC_DB: join(dir, 'd.db'), ...env });
    let err = '';
    child.stderr?.on('data', (d) => {
      err += d;
    });
    assert.equal(await exitCode(child), 1);
    assert.match(err, pattern);
  }
});

test('kill -9 during concurrent writes: every acknowledged sample is there after restart', {
  timeout: 120_000,
}, async () => {
  const db = join(dir, 'killed.db');
  const env = {
    PORT: '0',
    HOST: '127.0.0.1',
    DIGITREC_DB: db,
    // The writes budget would stop the burst long before the kill.
    DIGITREC_WRITES_PER_MINUTE: '1000000',
  };
  const acknowledged = new Map<number, number>();
  for (let round = 0; round < 3; round++) {
    const child = start(env);
    const m = await lineMatching(child, /digitrec: http:\/\/127\.0\.0\.1:(\d+)\//);
    const base = `http://127.0.0.1:${m[1]}`;
    // What earlier rounds acknowledged survived their kill.
    for (const [id, label] of acknowledged) {
      const res = await fetch(`${base}/api/samples/${id}`);
      assert.equal(
        res.status,
        200,
        `round ${round}: sample ${id} acknowledged before a kill is gone`,
      );
      assert.equal(((await res.json()) as { label: number }).label, label);
    }
    const before = acknowledged.size;
    let killed = false;
    const writer = async (w: number) => {
      for (let i = 0; !killed; i++) {
        const label = (w + i) % 10;
        const body = JSON.stringify({
          label,
          drawing: drawingOf(DIGIT_STROKES[(['one', 'seven', 'zero'] as const)[i % 3]], 18, 280),
          source: 'collect',
          sessionId: `killer-${round}-${w}`,
        });
        try {
          const res = await fetch(`${base}/api/samples`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body,
          });
          if (res.status === 201)
            acknowledged.set(((await res.json()) as { id: number }).id, label);
          else assert.fail(`write answered ${res.status}`);
        } catch (err) {
          // Refused or reset by the kill: not acknowledged, so nothing is owed.
          if (!killed) throw err;
        }
      }
    };
    const writers = Array.from({ length: 6 }, (_, w) => writer(w));
    while (acknowledged.size < before + 60) await new Promise((r) => setTimeout(r, 5));
    // Writes are in flight as the process dies; those it did not answer are owed nothing.
    killed = true;
    child.kill('SIGKILL');
    const code = await exitCode(child);
    await Promise.all(writers);
    assert.equal(code, null, 'killed by the signal, not exited');
  }
  // A last start checks the third round's writes.
  const child = start(env);
  try {
    const m = await lineMatching(child, /digitrec: http:\/\/127\.0\.0\.1:(\d+)\//);
    const base = `http://127.0.0.1:${m[1]}`;
    for (const [id, label] of acknowledged) {
      const res = await fetch(`${base}/api/samples/${id}`);
      assert.equal(res.status, 200, `sample ${id} acknowledged before the last kill is gone`);
      assert.equal(((await res.json()) as { label: number }).label, label);
    }
    const total = ((await (await fetch(`${base}/healthz`)).json()) as { samples: number }).samples;
    assert.ok(total >= acknowledged.size, `${total} stored, ${acknowledged.size} acknowledged`);
  } finally {
    child.kill('SIGTERM');
    await exitCode(child);
  }
});

test('a bad DIGITREC_SHUTDOWN_MS stops with a message and exit code 1', async () => {
  const child = start({ PORT: '0', DIGITREC_DB: join(dir, 'c.db'), DIGITREC_SHUTDOWN_MS: '-5' });
  let err = '';
  child.stderr?.on('data', (d) => {
    err += d;
  });
  assert.equal(await exitCode(child), 1);
  assert.match(err, /DIGITREC_SHUTDOWN_MS must be a positive integer, got "-5"/);
});

test('a bad PORT or a missing model file stops with a message and exit code 1', async () => {
  const badPort = start({ PORT: 'eighty', DIGITREC_DB: join(dir, 'a.db') });
  let err = '';
  badPort.stderr?.on('data', (d) => {
    err += d;
  });
  assert.equal(await exitCode(badPort), 1);
  assert.match(err, /PORT must be an integer 0–65535, got "eighty"/);

  const noModel = start({
    PORT: '0',
    HOST: '127.0.0.1',
    DIGITREC_DB: join(dir, 'b.db'),
    DIGITREC_MODEL: join(dir, 'missing.json'),
  });
  let err2 = '';
  noModel.stderr?.on('data', (d) => {
    err2 += d;
  });
  assert.equal(await exitCode(noModel), 1);
  assert.match(err2, /cannot read model file .*missing\.json/);
});
