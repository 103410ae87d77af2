/**
 * The HTTP server's timeouts and connection cap, against a real server on 127.0.0.1 with raw
 * TCP clients: a slowloris client (headers trickled), a slow body, an idle connection, one
 * connection over the cap, and the bounded drain on close. Each test is bounded by node:test's
 * timeout, so a missing limit fails the test instead of hanging the suite.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { ModelFile } from '../core/contracts.js';
import { DEFAULT_MODEL_PATH, loadModel } from '../data/model-io.js';
import { buildApp, closeWithDrain, resolveServerLimits, SERVER_LIMITS } from './app.js';

let dir: string;
let model: ModelFile;
let dbCounter = 0;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'digitrec-conn-'));
  model = loadModel(DEFAULT_MODEL_PATH);
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Short limits, so the tests take a second, not the production minutes. */
const SHORT = {
  headersTimeoutMs: 300,
  requestTimeoutMs: 600,
  idleTimeoutMs: 600,
  keepAliveTimeoutMs: 300,
  maxConnections: 3,
  shutdownDrainMs: 400,
};

async function listen(server = SHORT): Promise<{ app: FastifyInstance; port: number }> {
  dbCounter++;
  const app = buildApp({ dbPath: join(dir, `conn-${dbCounter}.db`), model, server });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  assert.ok(address && typeof address === 'object');
  return { app, port: address.port };
}

/** A raw TCP client that keeps everything the server sends and notes when the server hangs up. */
interface RawClient {
  socket: Socket;
  /** Everything received so far. */
  received: () => string;
  /** Resolves when the server has closed the connection (its FIN or RST). */
  closed: Promise<void>;
}

async function rawClient(port: number): Promise<RawClient> {
  const socket = connect(port, '127.0.0.1');
  let text = '';
  socket.setEncoding('utf8');
  socket.on('data', (d: string) => {
    text += d;
  });
  const closed = new Promise<void>((resolve) => {
    socket.on('end', () => resolve());
    socket.on('close', () => resolve());
    // A reset counts as the server hanging up too.
    socket.on('error', () => resolve());
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('error', reject);
  });
  return { socket, received: () => text, closed };
}

/** Writes `chunk` every `everyMs` until the socket closes (a client that never finishes). */
function trickle(client: RawClient, chunk: string, everyMs: number): () => void {
  const timer = setInterval(() => {
    if (!client.socket.destroyed && client.socket.writable) client.socket.write(chunk);
  }, everyMs);
  client.closed.then(() => clearInterval(timer));
  return () => clearInterval(timer);
}

describe('server limits', () => {
  test('resolveServerLimits fills defaults and names a bad field', () => {
    assert.deepEqual(resolveServerLimits(), SERVER_LIMITS);
    assert.equal(resolveServerLimits({ maxConnections: 7 }).maxConnections, 7);
    assert.throws(
      () => resolveServerLimits({ idleTimeoutMs: 0 }),
      /server\.idleTimeoutMs: expected a positive integer, got 0/,
    );
    assert.throws(
      () => resolveServerLimits({ maxConnections: 1.5 }),
      /server\.maxConnections: expected a positive integer, got 1\.5/,
    );
    assert.throws(
      () => resolveServerLimits({ headersTimeoutMs: 2000, requestTimeoutMs: 1000 }),
      /server\.headersTimeoutMs \(2000\) must not exceed server\.requestTimeoutMs \(1000\)/,
    );
  });
});

describe('a real server with short limits', { timeout: 20_000 }, () => {
  let app: FastifyInstance;
  let port: number;
  before(async () => {
    ({ app, port } = await listen());
  });
  after(() => app.close());

  test('a slowloris client trickling header lines gets 408 and is disconnected', async () => {
    const client = await rawClient(port);
    client.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    let n = 0;
    const stop = trickle(client, `X-Slow-${n++}: a\r\n`, 50);
    await client.closed;
    stop();
    assert.match(client.received(), /^HTTP\/1\.1 408 Request Timeout/);
    // The server still answers everyone else.
    assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);
  });

  test('a body trickled slower than the request timeout gets 408 and nothing is stored', async () => {
    const client = await rawClient(port);
    client.socket.write(
      'POST /api/samples HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{',
    );
    const stop = trickle(client, ' ', 50);
    await client.closed;
    stop();
    assert.match(client.received(), /^HTTP\/1\.1 408 Request Timeout/);
    const health = (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as {
      samples: number;
    };
    assert.equal(health.samples, 0);
  });

  test('an idle connection (connected, nothing sent) is closed by the server', async () => {
    const client = await rawClient(port);
    await client.closed;
    // Node counts the wait for a first request against the headers timeout: a 408, then FIN.
    assert.match(client.received(), /^HTTP\/1\.1 408 Request Timeout/);
  });

  test('a kept-alive connection is closed after its keep-alive timeout', async () => {
    const client = await rawClient(port);
    client.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await client.closed;
    assert.match(client.received(), /^HTTP\/1\.1 200 OK/);
    assert.match(client.received(), /keep-alive: timeout=/i);
  });

  test('connections over the cap are closed at once; the ones within it are served', async () => {
    const held = await Promise.all(
      Array.from({ length: SHORT.maxConnections }, () => rawClient(port)),
    );
    // Wait until the server has accepted all of them.
    while (
      (await new Promise<number>((r, j) =>
        app.server.getConnections((e, n) => (e ? j(e) : r(n))),
      )) < held.length
    ) {
      await new Promise((r) => setImmediate(r));
    }
    const over = await rawClient(port);
    await over.closed;
    assert.equal(over.received(), '', 'the connection over the cap got no answer');
    held[0].socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
    await held[0].closed;
    assert.match(held[0].received(), /^HTTP\/1\.1 200 OK/);
    for (const c of held) c.socket.destroy();
  });
});

describe('closing with open connections', { timeout: 20_000 }, () => {
  test('close ends after the drain even with idle, slowloris and event-less open connections', async () => {
    // Long timeouts: only the drain can end these connections.
    const { app, port } = await listen({
      ...SHORT,
      headersTimeoutMs: 60_000,
      requestTimeoutMs: 60_000,
      idleTimeoutMs: 60_000,
      keepAliveTimeoutMs: 60_000,
      maxConnections: 10,
    });
    const idle = await rawClient(port);
    const keptAlive = await rawClient(port);
    keptAlive.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    while (!/\r\n\r\n\{.*\}/s.test(keptAlive.received()))
      await new Promise((r) => setTimeout(r, 5));
    const slow = await rawClient(port);
    slow.socket.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    await closeWithDrain(app, SHORT.shutdownDrainMs);
    await Promise.all([idle.closed, keptAlive.closed, slow.closed]);
    assert.equal(app.server.listening, false);
  });
});
