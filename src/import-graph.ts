/**
 * The import graph of the source tree, read from the text of its .ts files, for the tests that
 * keep the architecture (src/architecture.test.ts) and forbid import cycles
 * (src/import-cycles.test.ts). Node only; no part of the app imports it.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** Every .ts file under `dir`, recursively, in sorted order. */
export function sourceFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return sourceFiles(path);
      return /\.ts$/.test(name) ? [path] : [];
    });
}

/**
 * Static `import … from` and `export … from` (type-only ones too: `import type { T } from`),
 * spanning lines. Side-effect imports (`import './x.js'`) have no `from` and are matched by
 * `SIDE_EFFECT_IMPORT`.
 */
const STATIC_IMPORT = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]/g;
const SIDE_EFFECT_IMPORT = /(?:^|[\s;])import\s*['"]([^'"]+)['"]/g;
/** `import('…')` with a literal specifier. */
const DYNAMIC_IMPORT = /import\(\s*['"]([^'"]+)['"]\s*\)/g;

/** The specifiers a module's text imports: static ones, and dynamic ones too when asked. */
export function importsIn(text: string, options: { dynamic?: boolean } = {}): string[] {
  const found = [
    ...[...text.matchAll(STATIC_IMPORT)].map((m) => m[1]),
    ...[...text.matchAll(SIDE_EFFECT_IMPORT)].map((m) => m[1]),
  ];
  if (options.dynamic ?? false) found.push(...[...text.matchAll(DYNAMIC_IMPORT)].map((m) => m[1]));
  return found;
}

/** The specifiers `file` imports (see `importsIn`). */
export function importsOf(file: string, options: { dynamic?: boolean } = {}): string[] {
  return importsIn(readFileSync(file, 'utf8'), options);
}

/** A module graph: each module (a path relative to the root, with `/`) → the modules it imports. */
export type ImportGraph = ReadonlyMap<string, readonly string[]>;

/**
 * The graph of static imports between the .ts files under `root`: relative specifiers ending in
 * .js resolve to the .ts file beside them (TypeScript's NodeNext convention); package, `node:`
 * and unresolvable specifiers (e.g. a specifier inside a string in a test) are left out.
 */
export function importGraph(root: string): ImportGraph {
  const graph = new Map<string, string[]>();
  const name = (path: string) => relative(root, path).split(sep).join('/');
  for (const file of sourceFiles(root)) {
    const targets: string[] = [];
    for (const spec of importsOf(file)) {
      if (!spec.startsWith('.')) continue;
      const target = join(file, '..', spec.replace(/\.js$/, '.ts'));
      if (existsSync(target) && !targets.includes(name(target))) targets.push(name(target));
    }
    graph.set(name(file), targets);
  }
  return graph;
}

/**
 * The import cycles of a graph, one per strongly connected component that has one (Tarjan's
 * algorithm), each as a path that starts and ends at the same module, e.g. `['a', 'b', 'a']`.
 * A module importing itself is a cycle `['a', 'a']`. Deterministic: modules are visited in the
 * graph's order, and each cycle starts at its component's first module in that order.
 */
export function findCycles(graph: ImportGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const edges = (v: string) => (graph.get(v) ?? []).filter((w) => graph.has(w));
  // Iterative, so a long chain of imports cannot overflow the call stack.
  for (const start of graph.keys()) {
    if (index.has(start)) continue;
    const work: { v: string; next: number }[] = [{ v: start, next: 0 }];
    index.set(start, index.size);
    low.set(start, index.get(start)!);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const out = edges(frame.v);
      if (frame.next < out.length) {
        const w = out[frame.next++];
        if (!index.has(w)) {
          index.set(w, index.size);
          low.set(w, index.get(w)!);
          stack.push(w);
          onStack.add(w);
          work.push({ v: w, next: 0 });
        } else if (onStack.has(w)) {
          low.set(frame.v, Math.min(low.get(frame.v)!, index.get(w)!));
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].v;
        low.set(parent, Math.min(low.get(parent)!, low.get(frame.v)!));
      }
      if (low.get(frame.v) === index.get(frame.v)) {
        const component: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          component.push(w);
        } while (w !== frame.v);
        components.push(component);
      }
    }
  }
  const order = [...graph.keys()];
  return components
    .filter((c) => c.length > 1 || edges(c[0]).includes(c[0]))
    .map((c) => cycleWithin(new Set(c), order.find((v) => c.includes(v))!, edges))
    .sort((a, b) => order.indexOf(a[0]) - order.indexOf(b[0]));
}

/** A shortest cycle through `start` inside one strongly connected component (breadth first). */
function cycleWithin(
  component: ReadonlySet<string>,
  start: string,
  edges: (v: string) => string[],
): string[] {
  const parent = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const v = queue[i];
    for (const w of edges(v)) {
      if (!component.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (let u = v; u !== start; u = parent.get(u)!) path.push(u);
        path.push(start);
        // Built backwards from the last edge; the first element stays `start`.
        return [start, ...path.slice(1, -1).reverse(), start];
      }
      if (!parent.has(w)) {
        parent.set(w, v);
        queue.push(w);
      }
    }
  }
  throw new Error(`no cycle through ${start} in its component`);
}
