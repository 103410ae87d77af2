import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { findCycles, importGraph } from './import-graph.js';

// Static imports only (`import … from`, `export … from`, side-effect `import '…'`), and type-only
// imports included: a type import is erased at run time, but it still ties the two modules'
// design together (neither can be read, tested or moved without the other), and the cycle this
// test was written against (core/simd.ts ⇄ core/logistic.ts) was exactly such a type import.
// Dynamic `import()` is left out: it is evaluated lazily, on purpose, and cannot deadlock module
// initialisation.

const root = join(import.meta.dirname, '.');

test('no module under src/ takes part in an import cycle', () => {
  const graph = importGraph(root);
  assert.ok(graph.has('core/logistic.ts') && graph.has('core/simd.ts'), 'the graph reads src/');
  assert.ok(graph.get('core/backend.ts')?.includes('core/simd.ts'), 'the graph resolves .js → .ts');
  const cycles = findCycles(graph).map((c) => c.join(' → '));
  assert.deepEqual(cycles, [], `import cycles:\n${cycles.join('\n')}`);
});

test('findCycles names the cycle of a small graph, and finds none in a DAG', () => {
  const dag = new Map([
    ['a', ['b', 'c']],
    ['b', ['c']],
    ['c', []],
  ]);
  assert.deepEqual(findCycles(dag), []);
  const cyclic = new Map([
    ['a', ['b']],
    ['b', ['c', 'd']],
    ['c', ['a']],
    ['d', []],
    ['e', ['e']],
    ['f', ['g']],
    ['g', ['f', 'missing']],
  ]);
  assert.deepEqual(findCycles(cyclic), [
    ['a', 'b', 'c', 'a'],
    ['e', 'e'],
    ['f', 'g', 'f'],
  ]);
});

test('importGraph reads type imports and re-exports, and skips dynamic and package imports', () => {
  const dir = mkdtempSync(join(tmpdir(), 'digitrec-imports-'));
  try {
    mkdirSync(join(dir, 'core'));
    writeFileSync(
      join(dir, 'core', 'a.ts'),
      "import type { B } from './b.js';\nexport type A = B;\n",
    );
    writeFileSync(
      join(dir, 'core', 'b.ts'),
      "export {\n  x,\n} from '../c.js';\nimport 'node:fs';\nexport type B = number;\n",
    );
    writeFileSync(
      join(dir, 'c.ts'),
      "export const x = 1;\nexport const later = () => import('./core/a.js');\n",
    );
    const graph = importGraph(dir);
    assert.deepEqual(Object.fromEntries(graph), {
      'c.ts': [],
      'core/a.ts': ['core/b.ts'],
      'core/b.ts': ['c.ts'],
    });
    assert.deepEqual(findCycles(graph), []);
    // The same files with c.ts importing a statically: the cycle is reported by name.
    writeFileSync(
      join(dir, 'c.ts'),
      "import type { A } from './core/a.js';\nexport const x = 1;\n",
    );
    assert.deepEqual(findCycles(importGraph(dir)), [['c.ts', 'core/a.ts', 'core/b.ts', 'c.ts']]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
