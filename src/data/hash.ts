/** Content hashes for training-data provenance (the `hash` fields of a model file). */
import { createHash } from 'node:crypto';

/** Hash algorithm of `hashBytes`. */
export const HASH_ALGORITHM = 'sha256';

/**
 * SHA-256 hex digest of a sequence of byte chunks. Each chunk is preceded by its length as a
 * 64-bit big-endian integer, so the split between chunks counts: `hashBytes(pixels, labels)`
 * cannot collide with another set whose pixels end where these labels begin. Only the bytes a view
 * covers are hashed (its `byteOffset` and `byteLength`, not the whole buffer).
 */
export function hashBytes(...chunks: Uint8Array[]): string {
  const hash = createHash(HASH_ALGORITHM);
  const length = new DataView(new ArrayBuffer(8));
  chunks.forEach((chunk, i) => {
    if (!(chunk instanceof Uint8Array))
      throw new TypeError(`chunks[${i}]: expected a Uint8Array, got ${typeof chunk}`);
    length.setBigUint64(0, BigInt(chunk.byteLength));
    hash.update(new Uint8Array(length.buffer));
    hash.update(chunk);
  });
  return hash.digest('hex');
}
