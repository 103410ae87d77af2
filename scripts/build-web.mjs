#!/usr/bin/env node
// Bundles the web app (src/web) with esbuild into dist/web, next to its static files.
import { cpSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const src = 'src/web';
const out = 'dist/web';
mkdirSync(out, { recursive: true });
const entries = readdirSync(src).filter((f) => /^[a-z-]+\.page\.ts$/.test(f));
if (entries.length > 0) {
  await build({
    entryPoints: entries.map((f) => join(src, f)),
    bundle: true,
    format: 'esm',
    target: 'es2022',
    outdir: out,
    sourcemap: true,
    minify: true,
    logLevel: 'warning',
  });
}
// The <digit-pad> element: one classic script for any page (an IIFE also works as a module).
await build({
  entryPoints: [join(src, 'digit-pad.ts')],
  bundle: true,
  format: 'iife',
  target: 'es2022',
  outfile: join(out, 'digit-pad.js'),
  sourcemap: true,
  minify: true,
  logLevel: 'warning',
});
const staticDir = join(src, 'static');
if (existsSync(staticDir)) cpSync(staticDir, out, { recursive: true });
