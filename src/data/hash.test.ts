import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hashBytes } from './hash.js';

// Expected digests computed independently with Python:
// hashlib.sha256(struct.pack('>Q', len(chunk)) + chunk + …).hexdigest()
test('hashBytes is SHA-256 over length-prefixed chunks (known answers)', () => {
  assert.equal(
    hashBytes(new TextEncoder().encode('abc')),
    'c3494ca1a2cf8eeb8a11ded316fb55b83c3bbbedb6313cd50415251e5d09e12f',
  );
  assert.equal(
    hashBytes(Uint8Array.from([1, 2]), Uint8Array.from([3])),
    '02c919f91a0b2214395455c43a130d0e20b5f5b3aad52ac63e3f7c165cdb14cf',
  );
  assert.equal(hashBytes(), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  assert.equal(
    hashBytes(new Uint8Array(0)),
    'af5570f5a1810b7af78caf4bc70a660f0df51e42baf91d4de5b2328de0e83dfc',
  );
});

test('where the chunks split matters; only the viewed bytes are hashed', () => {
  assert.notEqual(
    hashBytes(Uint8Array.from([1, 2]), Uint8Array.from([3])),
    hashBytes(Uint8Array.from([1]), Uint8Array.from([2, 3])),
  );
  const big = Uint8Array.from([9, 9, 1, 2, 9]);
  assert.equal(hashBytes(big.subarray(2, 4)), hashBytes(Uint8Array.from([1, 2])));
  assert.match(hashBytes(Uint8Array.from([0])), /^[0-9a-f]{64}$/);
  assert.throws(
    () => hashBytes('abc' as unknown as Uint8Array),
    /chunks\[0\]: expected a Uint8Array, got string/,
  );
});
