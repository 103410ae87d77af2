/**
 * The drawing pad: a square canvas that records strokes from mouse, touch and pen (pointer events,
 * with coalesced events for fast pens) in the model's logical canvas coordinates, and renders them
 * sharply at the screen's devicePixelRatio with the model's brush.
 */
import { LIMITS, POINTER_TYPES, type PointerType } from '../contracts/limits.js';
import type { CanvasSpec } from '../core/contracts.js';
import type { Drawing, Point, Stroke } from '../core/types.js';

/** The pointer kinds a sample records. */
export type PointerKind = PointerType;

/** What changed: a stroke began, grew, ended, or strokes were undone or cleared. */
export type PadChange = 'start' | 'move' | 'end' | 'undo' | 'clear';

/** Options of `DrawingPad`. */
export interface PadOptions {
  /** Called after every change, with what changed. */
  onChange?: (change: PadChange) => void;
  /** Most points kept in one drawing (the server's limit); later points are dropped. */
  maxPoints?: number;
  /** Most strokes in one drawing (the server's limit); later strokes are ignored. */
  maxStrokes?: number;
  /**
   * Width ÷ height of the pad (default 1, square): a wide pad for a number is `spec.size` high
   * and `aspect × spec.size` wide, in logical canvas pixels.
   */
  aspect?: number;
  /** Ink colour on screen; default the canvas's CSS `--pad-ink` (dark mode's too), or #111. */
  ink?: string;
}

/** Coordinates are kept to 1/100 px: finer than any pointer, and short in JSON. */
function round2(v: number): number {
  return Math.round(v * 100) / 100;
}

/** Records and renders strokes on one canvas. */
export class DrawingPad {
  /** The strokes drawn so far, in logical canvas pixels. */
  readonly strokes: Stroke[] = [];
  /** The kind of pointer the latest stroke was drawn with. */
  pointerType: PointerKind | null = null;
  readonly #canvas: HTMLCanvasElement;
  readonly #ctx: CanvasRenderingContext2D;
  readonly #spec: CanvasSpec;
  readonly #options: PadOptions;
  #active: { id: number; stroke: Stroke } | null = null;
  #t0: number | null = null;
  #points = 0;
  #enabled = true;
  /** The strokes the last undoable Clear removed, until a new stroke begins. */
  #cleared: { strokes: Stroke[]; t0: number | null } | null = null;
  #ink = '#111';
  #paper = '#fff';

  constructor(canvas: HTMLCanvasElement, spec: CanvasSpec, options: PadOptions = {}) {
    this.#canvas = canvas;
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('this browser cannot draw on a canvas');
    this.#ctx = ctx;
    this.#spec = spec;
    this.#options = options;
    canvas.addEventListener('pointerdown', (e) => this.#down(e));
    canvas.addEventListener('pointermove', (e) => this.#move(e));
    canvas.addEventListener('pointerup', (e) => this.#up(e));
    canvas.addEventListener('pointercancel', (e) => this.#up(e));
    canvas.addEventListener('lostpointercapture', (e) => this.#up(e));
    // No context menu or text selection while drawing with a long press.
    canvas.addEventListener('contextmenu', (e) => e.preventDefault());
    // The touch events behind a finger's pointer events are the browser's too: left alone, a
    // fast stroke ends in a gesture the browser is still deciding on (scroll, zoom, a tap), and
    // the next tap on Clear, Save or Yes is swallowed. Cancelling them keeps every tap a click
    // (with touch-action: none on the canvas, which the stylesheet sets too).
    canvas.style.touchAction = 'none';
    for (const type of ['touchstart', 'touchmove', 'touchend', 'touchcancel'] as const) {
      canvas.addEventListener(type, (e) => e.preventDefault(), { passive: false });
    }
    new ResizeObserver(() => this.#resize()).observe(canvas);
    matchMedia(`(resolution: ${devicePixelRatio}dppx)`).addEventListener('change', () =>
      this.#resize(),
    );
    // Light or dark paper follows the system's colour scheme, as the stylesheet does.
    matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => this.#redraw());
    this.#resize();
  }

  /** Logical width of the pad: `spec.size` × aspect. */
  get #width(): number {
    return Math.round(this.#spec.size * (this.#options.aspect ?? 1));
  }

  /** The drawing as the model and the server take it. */
  get drawing(): Drawing {
    return {
      strokes: this.strokes.map((s) => s.map((p) => ({ ...p }))),
      width: this.#width,
      height: this.#spec.size,
      brushWidth: this.#spec.brushWidth,
    };
  }

  /** True when nothing is drawn. */
  get isEmpty(): boolean {
    return this.strokes.length === 0;
  }

  /** True while a pointer is down. */
  get isDrawing(): boolean {
    return this.#active !== null;
  }

  /** Turns drawing on or off (e.g. while a save is in flight). */
  set enabled(on: boolean) {
    this.#enabled = on;
  }

  /** True when Undo has something to do: a stroke to remove, or a Clear to take back. */
  get canUndo(): boolean {
    return this.#active === null && (this.strokes.length > 0 || this.#cleared !== null);
  }

  /** Removes the last stroke, or brings back what Clear removed; false when there was neither. */
  undo(): boolean {
    if (this.#active) return false;
    if (this.strokes.length === 0 && this.#cleared) {
      this.strokes.push(...this.#cleared.strokes);
      this.#points = this.strokes.reduce((n, st) => n + st.length, 0);
      this.#t0 = this.#cleared.t0;
      this.#cleared = null;
      this.#redraw();
      this.#options.onChange?.('undo');
      return true;
    }
    if (this.strokes.length === 0) return false;
    const s = this.strokes.pop()!;
    this.#points -= s.length;
    if (this.strokes.length === 0) this.#t0 = null;
    this.#redraw();
    this.#options.onChange?.('undo');
    return true;
  }

  /**
   * Removes every stroke. Undo brings them back until the next stroke, unless `undoable` is false
   * (after the drawing was saved).
   */
  clear(undoable = true): void {
    this.#cleared =
      undoable && this.strokes.length > 0 ? { strokes: [...this.strokes], t0: this.#t0 } : null;
    this.#active = null;
    this.strokes.length = 0;
    this.#points = 0;
    this.#t0 = null;
    this.#redraw();
    this.#options.onChange?.('clear');
  }

  /** Removes the strokes at `indices` (e.g. one digit of a number, to redraw it); not undoable. */
  removeStrokes(indices: readonly number[]): void {
    if (this.#active || indices.length === 0) return;
    const drop = new Set(indices);
    const kept = this.strokes.filter((_, i) => !drop.has(i));
    this.strokes.length = 0;
    this.strokes.push(...kept);
    this.#points = kept.reduce((n, st) => n + st.length, 0);
    this.#cleared = null;
    this.#redraw();
    this.#options.onChange?.('undo');
  }

  /** Matches the backing store to the displayed size × devicePixelRatio, then redraws. */
  #resize(): void {
    const c = this.#canvas;
    const w = Math.max(1, Math.round(c.clientWidth * devicePixelRatio));
    const h = Math.max(1, Math.round(w / (this.#options.aspect ?? 1)));
    if (c.width !== w || c.height !== h) {
      c.width = w;
      c.height = h;
    }
    this.#redraw();
  }

  /** Logical canvas coordinates of a pointer event (the content box maps onto 0…size). */
  #point(e: PointerEvent): Point {
    const c = this.#canvas;
    const rect = c.getBoundingClientRect();
    const width = this.#width;
    const k = width / (c.clientWidth || 1);
    const size = this.#spec.size;
    // Clamp to the server's coordinate limit: one canvas side around the canvas.
    const m = LIMITS.coordinateMargin;
    const clamp = (v: number, side: number) => Math.max(-m * side, Math.min(side + m * side, v));
    const t0 = this.#t0 ?? e.timeStamp;
    return {
      x: round2(clamp((e.clientX - rect.left - c.clientLeft) * k, width)),
      y: round2(clamp((e.clientY - rect.top - c.clientTop) * k, size)),
      t: Math.max(0, Math.min(LIMITS.maxTimestampMs, Math.round(e.timeStamp - t0))),
    };
  }

  #down(e: PointerEvent): void {
    // Only the primary button draws: not a right click, a pen's barrel button or its eraser.
    if (!this.#enabled || this.#active || e.button !== 0) return;
    if (this.strokes.length >= (this.#options.maxStrokes ?? Number.POSITIVE_INFINITY)) return;
    e.preventDefault();
    try {
      this.#canvas.setPointerCapture(e.pointerId);
    } catch {
      // The pointer is already gone (e.g. a synthetic event); draw without capture.
    }
    this.#cleared = null;
    this.#t0 ??= e.timeStamp;
    const p = this.#point(e);
    const stroke: Stroke = [p];
    this.#points++;
    this.strokes.push(stroke);
    this.#active = { id: e.pointerId, stroke };
    this.pointerType = POINTER_TYPES.find((k) => k === e.pointerType) ?? null;
    this.#dot(p);
    this.#options.onChange?.('start');
  }

  #move(e: PointerEvent): void {
    const a = this.#active;
    if (!a || e.pointerId !== a.id) return;
    const events = typeof e.getCoalescedEvents === 'function' ? e.getCoalescedEvents() : [];
    const max = this.#options.maxPoints ?? Number.POSITIVE_INFINITY;
    const from = a.stroke[a.stroke.length - 1];
    const added: Point[] = [];
    for (const ev of events.length > 0 ? events : [e]) {
      if (this.#points >= max) break;
      const p = this.#point(ev);
      const last = added[added.length - 1] ?? from;
      if (p.x === last.x && p.y === last.y) continue;
      added.push(p);
      a.stroke.push(p);
      this.#points++;
    }
    if (added.length === 0) return;
    this.#segment(from, added);
    this.#options.onChange?.('move');
  }

  #up(e: PointerEvent): void {
    const a = this.#active;
    if (!a || e.pointerId !== a.id) return;
    this.#active = null;
    if (this.#canvas.hasPointerCapture(e.pointerId)) {
      this.#canvas.releasePointerCapture(e.pointerId);
    }
    this.#options.onChange?.('end');
  }

  #begin(): CanvasRenderingContext2D {
    const ctx = this.#ctx;
    const k = this.#canvas.width / this.#width;
    ctx.setTransform(k, 0, 0, k, 0, 0);
    ctx.lineWidth = this.#spec.brushWidth;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.strokeStyle = this.#ink;
    ctx.fillStyle = this.#ink;
    return ctx;
  }

  #dot(p: Point): void {
    const ctx = this.#begin();
    ctx.beginPath();
    ctx.arc(p.x, p.y, this.#spec.brushWidth / 2, 0, 2 * Math.PI);
    ctx.fill();
  }

  #segment(from: Point, to: Point[]): void {
    const ctx = this.#begin();
    ctx.beginPath();
    ctx.moveTo(from.x, from.y);
    for (const p of to) ctx.lineTo(p.x, p.y);
    ctx.stroke();
  }

  /** Reads the paper and ink colours from the canvas's CSS custom properties. */
  #readColours(): void {
    const css = getComputedStyle(this.#canvas);
    this.#ink = this.#options.ink ?? (css.getPropertyValue('--pad-ink').trim() || '#111');
    this.#paper = css.getPropertyValue('--pad-paper').trim() || '#fff';
  }

  #redraw(): void {
    this.#readColours();
    const ctx = this.#ctx;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = this.#paper;
    ctx.fillRect(0, 0, this.#canvas.width, this.#canvas.height);
    for (const s of this.strokes) {
      if (s.length === 1) this.#dot(s[0]);
      else this.#segment(s[0], s.slice(1));
    }
  }
}
