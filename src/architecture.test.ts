import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { test } from 'node:test';
import { importsIn, importsOf, sourceFiles } from './import-graph.js';

// The import graph of ../shared/STYLE.md: web → core, data → core, server → data, core,
// cli → data, core. Nothing imports cli, server or web; core imports nothing outside itself.
// contracts (the API's schemas, types and limits) → core, for the server and the web.
// lib (the package's library entries) → data, contracts, core; its browser entry → core only.
const ALLOWED: Record<string, string[]> = {
  core: ['core'],
  contracts: ['contracts', 'core'],
  data: ['data', 'core'],
  server: ['server', 'contracts', 'data', 'core'],
  cli: ['cli', 'data', 'core'],
  web: ['web', 'contracts', 'core'],
  lib: ['lib', 'data', 'contracts', 'core'],
};

const root = join(import.meta.dirname, '.');

test('parts import only the parts they may depend on', () => {
  const violations: string[] = [];
  for (const file of sourceFiles(root)) {
    const part = relative(root, file).split(sep)[0];
    if (!(part in ALLOWED)) continue;
    for (const spec of importsOf(file, { dynamic: true })) {
      if (!spec.startsWith('.')) continue;
      const target = relative(root, join(file, '..', spec)).split(sep)[0];
      if (!ALLOWED[part].includes(target))
        violations.push(`${relative(root, file)} imports ${spec}`);
    }
  }
  assert.deepEqual(violations, []);
});

test('core has no I/O and no DOM: no node: or package imports outside tests', () => {
  const violations: string[] = [];
  for (const file of sourceFiles(join(root, 'core'))) {
    if (file.endsWith('.test.ts')) continue;
    for (const spec of importsOf(file, { dynamic: true })) {
      if (!spec.startsWith('.')) violations.push(`${relative(root, file)} imports ${spec}`);
    }
    const text = readFileSync(file, 'utf8');
    for (const name of [/\bdocument\./, /\bwindow\./, /\bprocess\./, /\brequire\(/]) {
      if (name.test(text)) violations.push(`${relative(root, file)} uses ${name.source}`);
    }
  }
  assert.deepEqual(violations, []);
});

test("the library's browser entry imports no Node code: only lib, contracts and core, no node:", () => {
  const seen = new Set<string>();
  const violations: string[] = [];
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    // Doc comments show imports as examples (the entries' do): their lines are not imports.
    const code = readFileSync(file, 'utf8').replace(/^\s*\*.*$/gm, '');
    for (const spec of importsIn(code, { dynamic: true })) {
      if (!spec.startsWith('.')) {
        violations.push(`${relative(root, file)} imports ${spec}`);
        continue;
      }
      const target = join(file, '..', spec).replace(/\.js$/, '.ts');
      if (!['lib', 'contracts', 'core'].includes(relative(root, target).split(sep)[0]))
        violations.push(`${relative(root, file)} imports ${spec}`);
      else visit(target);
    }
  };
  visit(join(root, 'lib', 'browser.ts'));
  assert.ok(seen.size > 10, `the walk reached only ${seen.size} files`);
  assert.deepEqual(violations, []);
});

test('the import scanner sees static, re-export and dynamic imports', () => {
  const sample = `import { a } from './x.js';\nexport * from "../y.js";\nconst m = await import('./z.js');`;
  assert.deepEqual(importsIn(sample, { dynamic: true }), ['./x.js', '../y.js', './z.js']);
  assert.deepEqual(importsIn(sample), ['./x.js', '../y.js']);
});
