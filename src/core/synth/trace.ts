/**
 * Tracing of one-pixel skeletons into polylines. Pixels connect by m-adjacency (a diagonal
 * neighbour counts only when no shared edge neighbour is set), so a staircase or the corner of
 * an L is a simple path, not a junction. The skeleton becomes a graph whose nodes are stroke
 * ends and junctions and whose edges are the pixel paths between them; short spurs are pruned,
 * and at each junction the branches that continue each other most smoothly are joined, so a 9
 * comes out as one stroke (loop then stem) and a crossed 7 as two.
 */
import type { Point } from '../types.js';
import { checkInteger, checkNumber } from './check.js';

/** Options of {@link traceSkeleton}. */
export interface TraceOptions {
  /**
   * Branches from a junction to a free end shorter than this (pixels) are dropped, shortest
   * first, as long as the junction keeps two branches. Default 3.
   */
  minSpur?: number;
  /** Separate paths and loops shorter than this (pixels) are dropped. Default 3. */
  minLength?: number;
  /**
   * Join two branches at a junction when the angle between them is at least this many degrees
   * (180 is straight on). Default 100. Junctions left with two branches are always joined.
   */
  joinAngle?: number;
}

const DX = [0, 1, 1, 1, 0, -1, -1, -1];
const DY = [-1, -1, 0, 1, 1, 1, 0, -1];

interface Edge {
  /** Pixel indices in path order. */
  pixels: number[];
  /** Node ids of the two ends (equal for a loop through a junction; −1 where there is none). */
  a: number;
  b: number;
  alive: boolean;
}

/**
 * Traces a binary skeleton (`width × height`, non-zero = skeleton) into polylines in pixel
 * coordinates (x = column, y = row of the pixel). A closed path repeats its first point at the
 * end. Open paths run from their upper end down (the lower y first; on a tie, the left one).
 */
export function traceSkeleton(
  skeleton: Uint8Array,
  width: number,
  height: number,
  options: TraceOptions = {},
): Point[][] {
  checkInteger('width', width, 1);
  checkInteger('height', height, 1);
  if (skeleton.length !== width * height) {
    throw new RangeError(
      `skeleton must hold width × height = ${width * height} values, got ${skeleton.length}`,
    );
  }
  const minSpur = checkNumber('minSpur', options.minSpur ?? 3, 0, 1e6);
  const minLength = checkNumber('minLength', options.minLength ?? 3, 0, 1e6);
  const joinCos = Math.cos(
    (checkNumber('joinAngle', options.joinAngle ?? 100, 0, 180) * Math.PI) / 180,
  );

  const on = (x: number, y: number) =>
    x >= 0 && y >= 0 && x < width && y < height && skeleton[y * width + x] !== 0;
  // m-adjacent neighbours of every pixel.
  const adj: number[][] = [];
  for (let i = 0; i < skeleton.length; i++) {
    const list: number[] = [];
    if (skeleton[i]) {
      const x = i % width;
      const y = (i - x) / width;
      for (let k = 0; k < 8; k++) {
        const nx = x + DX[k];
        const ny = y + DY[k];
        if (!on(nx, ny)) continue;
        if (k % 2 === 1 && (on(x + DX[k], y) || on(x, y + DY[k]))) continue;
        list.push(ny * width + nx);
      }
    }
    adj.push(list);
  }

  // Nodes: every end (degree ≠ 2) is one; touching junction pixels (degree ≥ 3) share one.
  const node = new Int32Array(skeleton.length).fill(-1);
  const nodePixels: number[][] = [];
  for (let i = 0; i < skeleton.length; i++) {
    if (!skeleton[i] || adj[i].length === 2 || node[i] >= 0) continue;
    const id = nodePixels.length;
    const members = [i];
    node[i] = id;
    if (adj[i].length >= 3) {
      for (let m = 0; m < members.length; m++) {
        for (const j of adj[members[m]]) {
          if (node[j] < 0 && adj[j].length >= 3) {
            node[j] = id;
            members.push(j);
          }
        }
      }
    }
    nodePixels.push(members);
  }
  const nodePoint = nodePixels.map((members) => {
    let sx = 0;
    let sy = 0;
    for (const i of members) {
      sx += i % width;
      sy += Math.floor(i / width);
    }
    return { x: sx / members.length, y: sy / members.length };
  });

  // Edges: walk from every node pixel along each unvisited neighbour to the next node.
  const edges: Edge[] = [];
  const visited = new Uint8Array(skeleton.length);
  const linked = new Set<string>();
  for (let id = 0; id < nodePixels.length; id++) {
    for (const start of nodePixels[id]) {
      for (const first of adj[start]) {
        if (node[first] === id) continue;
        if (node[first] >= 0) {
          // Two nodes side by side: a one-step edge, made once.
          const key = start < first ? `${start},${first}` : `${first},${start}`;
          if (!linked.has(key)) {
            linked.add(key);
            edges.push({ pixels: [start, first], a: id, b: node[first], alive: true });
          }
          continue;
        }
        if (visited[first]) continue;
        const pixels = [start, first];
        visited[first] = 1;
        let prev = start;
        let cur = first;
        while (node[cur] < 0) {
          const next = adj[cur][0] === prev ? adj[cur][1] : adj[cur][0];
          if (node[next] < 0 && visited[next]) break;
          pixels.push(next);
          if (node[next] < 0) visited[next] = 1;
          prev = cur;
          cur = next;
        }
        // −1 marks a walk cut short by an already visited pixel (no node at that end).
        const end = node[cur] >= 0 ? node[cur] : -1;
        // A two-step hop between pixels of the same junction is part of the junction.
        if (end === id && pixels.length <= 3) continue;
        edges.push({ pixels, a: id, b: end, alive: true });
      }
    }
  }
  // Rings: what is left unvisited has degree 2 everywhere.
  for (let i = 0; i < skeleton.length; i++) {
    if (!skeleton[i] || visited[i] || node[i] >= 0) continue;
    const pixels = [i];
    visited[i] = 1;
    let prev = -1;
    let cur = i;
    for (;;) {
      const next = adj[cur][0] !== prev ? adj[cur][0] : adj[cur][1];
      if (next === i) {
        pixels.push(i);
        break;
      }
      if (visited[next]) break;
      visited[next] = 1;
      pixels.push(next);
      prev = cur;
      cur = next;
    }
    edges.push({ pixels, a: -1, b: -1, alive: true });
  }

  const toPoint = (i: number): Point => ({ x: i % width, y: Math.floor(i / width) });
  // Edge geometry: pixel centres; an end in a junction of several pixels moves to its centroid.
  const edgePoints = (e: Edge): Point[] => {
    const pts = e.pixels.map(toPoint);
    if (e.a >= 0 && nodePixels[e.a].length > 1) pts[0] = nodePoint[e.a];
    if (e.b >= 0 && nodePixels[e.b].length > 1) pts[pts.length - 1] = nodePoint[e.b];
    return pts;
  };
  const lengthOf = (pts: Point[]) => {
    let s = 0;
    for (let k = 1; k < pts.length; k++)
      s += Math.hypot(pts[k].x - pts[k - 1].x, pts[k].y - pts[k - 1].y);
    return s;
  };
  const degree = (id: number) => {
    let d = 0;
    for (const e of edges) {
      if (!e.alive) continue;
      if (e.a === id) d++;
      if (e.b === id) d++;
    }
    return d;
  };

  // Prune spurs (a short branch from a junction to a free end) once, shortest first, but
  // leave every junction at least two branches so that pruning never shortens a stroke.
  const initialDegree = nodePixels.map((_, id) => degree(id));
  const spurs = new Map<number, { e: Edge; length: number }[]>();
  for (const e of edges) {
    if (e.a < 0 || e.b < 0 || e.a === e.b) continue;
    const junction =
      initialDegree[e.a] === 1 && initialDegree[e.b] >= 3
        ? e.b
        : initialDegree[e.b] === 1 && initialDegree[e.a] >= 3
          ? e.a
          : -1;
    const length = lengthOf(edgePoints(e));
    if (junction < 0 || length >= minSpur) continue;
    if (!spurs.has(junction)) spurs.set(junction, []);
    spurs.get(junction)!.push({ e, length });
  }
  for (const [junction, list] of spurs) {
    list.sort((p, q) => p.length - q.length);
    const removable = Math.min(list.length, initialDegree[junction] - 2);
    for (let k = 0; k < removable; k++) list[k].e.alive = false;
  }
  for (const e of edges) {
    if (!e.alive) continue;
    const isolated = e.a < 0 || (degree(e.a) === 1 && degree(e.b) === 1) || e.a === e.b;
    if (isolated && lengthOf(edgePoints(e)) < minLength) e.alive = false;
  }
  const live = edges.filter((e) => e.alive);

  // Pair branch ends at each node: half-edge h = 2·edge + (0 at a, 1 at b).
  const nodeOf = (h: number) => (h % 2 === 0 ? live[h >> 1].a : live[h >> 1].b);
  const pointsFrom = (h: number) => {
    const pts = edgePoints(live[h >> 1]);
    return h % 2 === 0 ? pts : pts.reverse();
  };
  const direction = (h: number) => {
    // Outgoing direction over the first few pixels of the branch.
    const pts = pointsFrom(h);
    const p0 = pts[0];
    let q = pts[pts.length - 1];
    for (let k = 1; k < pts.length; k++) {
      if (Math.hypot(pts[k].x - p0.x, pts[k].y - p0.y) >= 4) {
        q = pts[k];
        break;
      }
    }
    const len = Math.hypot(q.x - p0.x, q.y - p0.y) || 1;
    return { x: (q.x - p0.x) / len, y: (q.y - p0.y) / len };
  };
  const partner = new Int32Array(live.length * 2).fill(-1);
  const atNode = new Map<number, number[]>();
  for (let h = 0; h < live.length * 2; h++) {
    const id = nodeOf(h);
    if (id < 0) continue;
    if (!atNode.has(id)) atNode.set(id, []);
    atNode.get(id)!.push(h);
  }
  for (const hs of atNode.values()) {
    if (hs.length < 2) continue;
    const dirs = hs.map(direction);
    const pairs: [number, number, number][] = [];
    for (let i = 0; i < hs.length; i++) {
      for (let j = i + 1; j < hs.length; j++) {
        pairs.push([dirs[i].x * dirs[j].x + dirs[i].y * dirs[j].y, i, j]);
      }
    }
    pairs.sort((p, q) => p[0] - q[0] || p[1] - q[1] || p[2] - q[2]);
    for (const [cos, i, j] of pairs) {
      if (hs.length > 2 && cos > joinCos) break;
      if (partner[hs[i]] >= 0 || partner[hs[j]] >= 0) continue;
      partner[hs[i]] = hs[j];
      partner[hs[j]] = hs[i];
    }
  }

  // Walk chains of paired branches into strokes: from free ends first, then unpaired junction
  // ends, then whatever is left (closed chains).
  const used = new Uint8Array(live.length);
  const strokes: Point[][] = [];
  const walk = (h: number) => {
    const pts: Point[] = [];
    while (h >= 0 && !used[h >> 1]) {
      used[h >> 1] = 1;
      const seg = pointsFrom(h);
      pts.push(...(pts.length > 0 ? seg.slice(1) : seg));
      h = partner[h ^ 1];
    }
    if (pts.length > 0) strokes.push(pts);
  };
  const halfEdges = Array.from({ length: live.length * 2 }, (_, h) => h);
  for (const h of halfEdges) if (nodeOf(h) >= 0 && degree(nodeOf(h)) === 1) walk(h);
  for (const h of halfEdges) if (partner[h] < 0) walk(h);
  for (const h of halfEdges) walk(h);

  return strokes.map((pts) => {
    const a = pts[0];
    const b = pts[pts.length - 1];
    const closed = a.x === b.x && a.y === b.y;
    return !closed && (b.y < a.y || (b.y === a.y && b.x < a.x)) ? pts.reverse() : pts;
  });
}
