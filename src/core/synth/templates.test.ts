import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Point } from '../types.js';
import { boundingBox } from './geometry.js';
import {
  type DigitTemplate,
  ellipsePoints,
  sampleTemplateStroke,
  TEMPLATES,
  templateStyles,
} from './templates.js';

function template(style: string): DigitTemplate {
  const t = TEMPLATES.find((x) => x.style === style);
  assert.ok(t, `no template ${style}`);
  return t;
}

function sampled(style: string): Point[][] {
  return template(style).strokes.map((s) => sampleTemplateStroke(s));
}

test('every digit has several styles, including the ones real drawings need', () => {
  for (let d = 0; d < 10; d++) assert.ok(templateStyles(d).length >= 3, `digit ${d}`);
  const required = [
    ...['0-ellipse', '0-slanted', '1-stick', '1-flag', '1-flag-base', '2-flat-base', '2-loop'],
    ...['3-round-top', '3-flat-top', '4-open', '4-closed', '5-one-stroke', '5-two-strokes'],
    ...['7-plain', '7-bar', '7-curved-foot', '7-curly-top', '8-one-stroke', '8-two-circles'],
    ...['9-straight', '9-curved-tail', '9-hook-left', '9-two-strokes', '9-j-hook'],
    ...['1-very-long-flag', '4-long-arm', '4-long-arm-one-stroke', '7-arch-low-bar'],
  ];
  for (const s of required) template(s);
});

test('style names are unique, start with their digit and weights are positive', () => {
  const names = TEMPLATES.map((t) => t.style);
  assert.equal(new Set(names).size, names.length);
  for (const t of TEMPLATES) {
    assert.ok(t.style.startsWith(`${t.digit}-`), t.style);
    assert.ok(t.weight > 0);
  }
});

test('every sampled template is about one unit tall and lies in the unit box', () => {
  for (const t of TEMPLATES) {
    const box = boundingBox(t.strokes.map((s) => sampleTemplateStroke(s)))!;
    assert.ok(box.maxY - box.minY > 0.9 && box.maxY - box.minY < 1.1, t.style);
    assert.ok(box.minX > -0.35 && box.maxX < 0.9, t.style);
    assert.ok(box.minY > -0.06 && box.maxY < 1.06, t.style);
  }
});

test('stroke counts follow the style names', () => {
  assert.equal(template('7-bar').strokes.length, 2);
  assert.equal(template('7-plain').strokes.length, 1);
  assert.equal(template('8-two-circles').strokes.length, 2);
  assert.equal(template('5-one-stroke').strokes.length, 1);
  assert.equal(template('5-two-strokes').strokes.length, 2);
  assert.equal(template('9-two-strokes').strokes[0].closed, true);
  assert.equal(template('1-flag-base').strokes.length, 2);
});

test('a 9 hooking left ends well left of its stem; a straight 9 ends under it', () => {
  const hook = sampled('9-hook-left')[0];
  const straight = sampled('9-straight')[0];
  const stemX = (pts: Point[]) => pts.find((p) => p.y > 0.6)!.x;
  assert.ok(hook[hook.length - 1].x < stemX(hook) - 0.3);
  assert.ok(Math.abs(straight[straight.length - 1].x - stemX(straight)) < 0.05);
});

test('a J-hooked 9 has its loop in the top third and its hook reaching left of the loop', () => {
  const nine = sampled('9-j-hook')[0];
  const loop = nine.slice(
    0,
    nine.findIndex((p) => p.x === 0.58 && p.y === 0.06),
  );
  assert.ok(Math.max(...loop.map((p) => p.y)) < 0.34);
  const end = nine[nine.length - 1];
  assert.ok(end.x < Math.min(...loop.map((p) => p.x)) && end.y > 0.9);
});

test('the arched 7 is crossed below its middle by a bar reaching both sides of the stem', () => {
  const [stem, bar] = sampled('7-arch-low-bar');
  assert.ok(bar.every((p) => p.y > 0.55));
  const atBar = stem.find((p) => p.y >= 0.62)!;
  assert.ok(bar[0].x < atBar.x - 0.3 && bar[bar.length - 1].x > atBar.x + 0.2);
  // The top is an arch: the stroke starts below its highest point and rises to it.
  assert.ok(stem[0].y > 0.2 && Math.min(...stem.map((p) => p.y)) < 0.01);
});

test('the long-armed 4s: the arm spans the height, the bar sits low, the stem starts low', () => {
  const [arm, stem] = sampled('4-long-arm');
  assert.ok(arm[0].y === 0 && Math.max(...arm.map((p) => p.y)) > 0.7);
  assert.ok(stem[0].y > 0.4 && stem[stem.length - 1].y === 1);
  const one = sampled('4-long-arm-one-stroke')[0];
  const turn = one.findIndex((p) => p.x === 0.52 && p.y === 0.44);
  assert.ok(turn > 0, 'the stroke turns back down at (0.52, 0.44)');
  assert.ok(one.slice(0, turn).every((p) => p.y < 0.8));
});

test('the widest flag is about half the height of the 1', () => {
  const one = sampled('1-very-long-flag')[0];
  const top = one.find((p) => p.y === 0)!;
  assert.ok(top.x - one[0].x > 0.45);
});

test('a corner stays sharp: the 7 turns by more than 90° at its top right', () => {
  const seven = sampled('7-plain')[0];
  const k = seven.findIndex((p) => p.x === 0.62 && p.y === 0);
  assert.ok(k > 0 && k < seven.length - 1);
  const a = { x: seven[k].x - seven[k - 1].x, y: seven[k].y - seven[k - 1].y };
  const b = { x: seven[k + 1].x - seven[k].x, y: seven[k + 1].y - seven[k].y };
  const cos = (a.x * b.x + a.y * b.y) / (Math.hypot(a.x, a.y) * Math.hypot(b.x, b.y));
  assert.ok(cos < 0, `cos ${cos}`);
});

test('a curly-topped 7 has a wave in its top: it dips below its ends', () => {
  const top = sampled('7-curly-top')[0].filter((p) => p.x > 0.15 && p.x < 0.55 && p.y < 0.2);
  assert.ok(Math.max(...top.map((p) => p.y)) > 0.05);
  assert.ok(Math.min(...top.map((p) => p.y)) < 0.03);
});

test('a closed stroke ends on its first point; an open one on its last control point', () => {
  const zero = sampled('0-ellipse')[0];
  assert.deepEqual(zero[0], zero[zero.length - 1]);
  const one = sampled('1-stick')[0];
  assert.deepEqual(one[0], { x: 0, y: 0 });
  assert.deepEqual(one[one.length - 1], { x: 0, y: 1 });
});

test('ellipsePoints start at the top and go left first; a tilt leans the top right', () => {
  const pts = ellipsePoints(0.5, 0.5, 0.3, 0.5, 0, 8);
  assert.equal(pts.length, 8);
  assert.deepEqual(pts[0], [0.5, 0]);
  assert.ok(pts[1][0] < 0.5 && pts[1][1] < 0.5);
  assert.deepEqual(pts[4], [0.5, 1]);
  const tilted = ellipsePoints(0.5, 0.5, 0.3, 0.5, 20, 8);
  assert.ok(tilted[0][0] > 0.5 && tilted[4][0] < 0.5);
});
