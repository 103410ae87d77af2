/**
 * The counter store of @fastify/rate-limit for this server: fixed windows per key, one store for
 * every route, so a budget named by a `groupId` is shared by all the routes that name it (the
 * plugin's own local store gives each route a counter of its own, so a failed-token budget would
 * be multiplied by the number of admin routes). Memory is bounded: at most `maxKeys` keys, the
 * oldest dropped first.
 */

/** A key's count in its current window, as the plugin expects it. */
interface WindowCount {
  current: number;
  /** Milliseconds until the window ends. */
  ttl: number;
}

/** Most keys (client address + group) remembered at once. */
export const RATE_LIMIT_MAX_KEYS = 10_000;

/** A fixed-window counter store shared by all routes (`child` returns the store itself). */
export class SharedWindowStore {
  readonly #windows = new Map<string, { count: number; start: number }>();
  readonly #now: () => number;
  readonly #maxKeys: number;

  /** The plugin passes its options here; `now` and `maxKeys` are for tests. */
  constructor(_options?: unknown, now: () => number = Date.now, maxKeys = RATE_LIMIT_MAX_KEYS) {
    this.#now = now;
    this.#maxKeys = maxKeys;
  }

  /** Counts one request of `key` in a window of `timeWindow` ms. */
  incr(key: string, cb: (err: Error | null, res: WindowCount) => void, timeWindow: number): void {
    const now = this.#now();
    let w = this.#windows.get(key);
    if (!w || now - w.start >= timeWindow) {
      this.#windows.delete(key);
      w = { count: 0, start: now };
      if (this.#windows.size >= this.#maxKeys) {
        // Map iterates in insertion order: the first key has the oldest window.
        const oldest = this.#windows.keys().next().value;
        if (oldest !== undefined) this.#windows.delete(oldest);
      }
      this.#windows.set(key, w);
    }
    w.count++;
    cb(null, { current: w.count, ttl: timeWindow - (now - w.start) });
  }

  /** The count of `key` without counting a request. */
  read(key: string, cb: (err: Error | null, res: WindowCount) => void, timeWindow: number): void {
    const now = this.#now();
    const w = this.#windows.get(key);
    if (!w || now - w.start >= timeWindow) cb(null, { current: 0, ttl: timeWindow });
    else cb(null, { current: w.count, ttl: timeWindow - (now - w.start) });
  }

  /** The store for one route: this one, so groups span routes. */
  child(): SharedWindowStore {
    return this;
  }

  /** Keys remembered now. */
  get size(): number {
    return this.#windows.size;
  }
}
