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
import { parseDigitCsv } from '../data/csv.js';
import { DEFAULT_MODEL_PATH, loadModel } from '../data/model-io.js';
import { IMAGE_BYTES, type NewSample, openStore } from '../data/store.js';
import { buildApp, closeWithDrain, resolveServerLimits, SERVER_LIMITS } from './app.js';
import { LIMITS } from './validate.js';

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

const TOKEN = 'connections-test-admin-token';

function freshDb(): string {
  dbCounter++;
  return join(dir, `conn-${dbCounter}.db`);
}

async function listen(
  server = SHORT,
  dbPath = freshDb(),
): Promise<{ app: FastifyInstance; port: number }> {
  const app = buildApp({ dbPath, model, server, adminToken: TOKEN });
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

describe('refusing before reading, and streaming', { timeout: 30_000 }, () => {
  test('an import without a valid admin token is 401 before its 31 MiB body is sent', async () => {
    const { app, port } = await listen({
      ...SHORT,
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 20_000,
    });
    try {
      const size = 31 * 1024 * 1024;
      assert.ok(size < LIMITS.importBodyBytes);
      for (const authorization of ['', 'Authorization: Bearer wrong-token\r\n']) {
        const client = await rawClient(port);
        // Headers only: the body is never sent, so only an answer that does not read it arrives.
        client.socket.write(
          `POST /api/samples/import?format=csv HTTP/1.1\r\nHost: 127.0.0.1\r\n${authorization}Content-Type: text/csv\r\nContent-Length: ${size}\r\n\r\n`,
        );
        await client.closed;
        const answer = client.received();
        assert.match(answer, /^HTTP\/1\.1 401 Unauthorized/);
        assert.match(answer, /connection: close/i);
        assert.match(answer, authorization ? /wrong admin token/ : /admin token required/);
      }
    } finally {
      await app.close();
    }
  });

  test('a full export is streamed a page at a time: chunked, byte-for-byte the stored rows', async () => {
    const dbPath = freshDb();
    const n = 2500;
    const seeded = openStore(dbPath);
    const samples: NewSample[] = Array.from({ length: n }, (_, i) => ({
      label: i % 10,
      drawing: null,
      image: new Uint8Array(IMAGE_BYTES).fill(i % 251),
      source: 'import',
      sessionId: null,
      pointerType: null,
      modelVersion: null,
      predicted: null,
      confidence: null,
    }));
    seeded.insertMany(samples);
    seeded.close();
    const { app, port } = await listen(
      { ...SHORT, requestTimeoutMs: 20_000, idleTimeoutMs: 20_000 },
      dbPath,
    );
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/samples/export?format=csv`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-length'), null);
      assert.equal(res.headers.get('transfer-encoding'), 'chunked');
      const reader = (res.body as ReadableStream<Uint8Array>).getReader();
      const chunks: Uint8Array[] = [];
      const first = await reader.read();
      assert.ok(!first.done && first.value);
      chunks.push(first.value);
      // Mid-export, the server answers others, and a write is not blocked by the export.
      assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
      }
      const set = parseDigitCsv(Buffer.concat(chunks).toString('latin1'), 'export.csv');
      assert.equal(set.n, n);
      for (let i = 0; i < n; i++) {
        assert.equal(set.labels[i], i % 10);
        assert.equal(set.pixels[i * IMAGE_BYTES + 100], i % 251);
      }
      const empty = await fetch(
        `http://127.0.0.1:${port}/api/samples/export?format=csv&label=3&source=collect`,
      );
      assert.match(await empty.text(), /^label,p0,p1,.*,p783\n$/s);
    } finally {
      await app.close();
    }
  });
});
