#!/usr/bin/env node
// Builds the WebAssembly SIMD kernel of the logistic-regression objective from the WAT below,
// assembled with wabt, into src/core/simd-kernel.generated.ts (bytes as base64, two variants:
// a plain memory for one thread, a shared memory for worker threads). Also writes the WAT text
// to dist/wasm/ for reading. The WAT is generated so the per-class code is unrolled for K classes.
import { mkdirSync, writeFileSync } from 'node:fs';
import wabtInit from 'wabt';

/** Classes per kernel: fewer are padded with a −1e300 intercept (probability 0). */
export const K = 10;
/** Bytes of one feature group's weights: K classes × 4 features × f64. */
const W_BLOCK = K * 32;
/** Bytes of one feature group's f32 gradient accumulators: K classes × 4 features × f32. */
const G_BLOCK = K * 16;

const range = (n) => Array.from({ length: n }, (_, i) => i);
const each = (f) => range(K).map(f).join('\n');

/**
 * exp(x) for x ≤ 0 in f64: x = n·ln2 + r with |r| ≤ ln2/2, exp(r) by its Taylor series to degree
 * 13 (remainder under 2e-17 relative), times 2ⁿ built from the exponent bits. 0 below −708.
 */
function expFunc() {
  const coef = [];
  let f = 1;
  for (let i = 1; i <= 13; i++) {
    f *= i;
    coef.push(1 / f);
  }
  // Horner: 1 + r(c1 + r(c2 + … r·c13)).
  let poly = `(f64.const ${coef[12]})`;
  for (let i = 11; i >= 0; i--)
    poly = `(f64.add (f64.const ${coef[i]}) (f64.mul (local.get $r) ${poly}))`;
  poly = `(f64.add (f64.const 1) (f64.mul (local.get $r) ${poly}))`;
  return `
  (func $exp (param $x f64) (result f64) (local $n f64) (local $r f64)
    (if (f64.lt (local.get $x) (f64.const -708)) (then (return (f64.const 0))))
    (local.set $n (f64.nearest (f64.mul (local.get $x) (f64.const 1.4426950408889634))))
    ;; fdlibm's split of ln 2: n × ln2hi is exact for |n| < 2048.
    (local.set $r (f64.sub
      (f64.sub (local.get $x) (f64.mul (local.get $n) (f64.const 6.93147180369123816490e-01)))
      (f64.mul (local.get $n) (f64.const 1.90821492927058770002e-10))))
    (f64.mul ${poly}
      (f64.reinterpret_i64 (i64.shl (i64.add (i64.trunc_f64_s (local.get $n)) (i64.const 1023))
        (i64.const 52)))))`;
}

/**
 * Classes whose dot products share one pass over a row's groups (K / PASS_CLASSES passes). All K
 * in one pass measured fastest: on 60k × 784 dense rows, 185 ms a gradient against 265 ms with two
 * passes of 5 and 247 ms with five passes of 2 (one thread, loaded machine).
 */
const PASS_CLASSES = K;

/**
 * A loop over row r's stored groups, in increasing g, with q the stored value's index (from q0).
 * A row with every group stored counts g up directly; otherwise g walks the set bits of the row's
 * presence mask (nWords u64 words). `body` uses $g and $q.
 */
function groupLoop(label, body) {
  return `      (local.set $q (local.get $q0))
      (if (i32.eq (i32.sub (local.get $q1) (local.get $q0)) (local.get $nGroups))
        (then
          (local.set $g (i32.const 0))
          (block $${label}DenseDone (loop $${label}Dense
            (br_if $${label}DenseDone (i32.ge_u (local.get $g) (local.get $nGroups)))
${body}
            (local.set $q (i32.add (local.get $q) (i32.const 1)))
            (local.set $g (i32.add (local.get $g) (i32.const 1)))
            (br $${label}Dense))))
        (else
          (local.set $mw (i32.add (local.get $mask) (i32.shl (i32.mul (local.get $r) (local.get $nWords)) (i32.const 3))))
          (local.set $wEnd (i32.add (local.get $mw) (i32.shl (local.get $nWords) (i32.const 3))))
          (local.set $gBase (i32.const 0))
          (block $${label}Done (loop $${label}Words
            (br_if $${label}Done (i32.ge_u (local.get $mw) (local.get $wEnd)))
            (local.set $bits (i64.load (local.get $mw)))
            (block $${label}BitsDone (loop $${label}Bits
              (br_if $${label}BitsDone (i64.eqz (local.get $bits)))
              (local.set $g (i32.add (local.get $gBase) (i32.wrap_i64 (i64.ctz (local.get $bits)))))
              (local.set $bits (i64.and (local.get $bits) (i64.sub (local.get $bits) (i64.const 1))))
${body}
              (local.set $q (i32.add (local.get $q) (i32.const 1)))
              (br $${label}Bits)))
            (local.set $mw (i32.add (local.get $mw) (i32.const 8)))
            (local.set $gBase (i32.add (local.get $gBase) (i32.const 64)))
            (br $${label}Words)))))`;
}

/** One pass over the row's nonzero groups adding W·x (f64) into the accumulators of `classes`. */
function logitsPass(label, classes) {
  return groupLoop(
    label,
    `          (local.set $wo (i32.add (local.get $W) (i32.mul (local.get $g) (i32.const ${W_BLOCK}))))
          (local.set $x (v128.load (i32.add (local.get $gVal) (i32.shl (local.get $q) (i32.const 4)))))
          (local.set $xlo (f64x2.promote_low_f32x4 (local.get $x)))
          (local.set $xhi (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $x) (local.get $x))))
${classes
  .map(
    (c) => `          (local.set $a${c} (f64x2.add (local.get $a${c}) (f64x2.add
            (f64x2.mul (v128.load offset=${c * 32} (local.get $wo)) (local.get $xlo))
            (f64x2.mul (v128.load offset=${c * 32 + 16} (local.get $wo)) (local.get $xhi)))))`,
  )
  .join('\n')}`,
  );
}

function wat(shared) {
  const memory = shared ? '(memory 1 65536 shared)' : '(memory 1)';
  return `(module
  (import "env" "memory" ${memory})
  (import "math" "log" (func $log (param f64) (result f64)))
${expFunc()}

  ;; Adds the f32 gradient accumulators into the f64 ones and clears them: every blockRows rows,
  ;; so no f32 sum ever holds more than blockRows terms.
  (func $flush (param $g32 i32) (param $g64 i32) (param $nGroups i32)
    (local $i i32) (local $end i32) (local $v v128) (local $o i32)
    (local.set $end (i32.mul (local.get $nGroups) (i32.const ${K})))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
      (local.set $v (v128.load (i32.add (local.get $g32) (i32.shl (local.get $i) (i32.const 4)))))
      (local.set $o (i32.add (local.get $g64) (i32.shl (local.get $i) (i32.const 5))))
      (v128.store (local.get $o) (f64x2.add (v128.load (local.get $o)) (f64x2.promote_low_f32x4 (local.get $v))))
      (v128.store offset=16 (local.get $o) (f64x2.add (v128.load offset=16 (local.get $o))
        (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))))
      (v128.store (i32.add (local.get $g32) (i32.shl (local.get $i) (i32.const 4))) (v128.const i32x4 0 0 0 0))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next))))

  ;; Clears n bytes (a multiple of 16) from p.
  (func $zero (param $p i32) (param $n i32) (local $e i32)
    (local.set $e (i32.add (local.get $p) (local.get $n)))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $p) (local.get $e)))
      (v128.store (local.get $p) (v128.const i32x4 0 0 0 0))
      (local.set $p (i32.add (local.get $p) (i32.const 16)))
      (br $next))))

  ;; One pass over the rows at positions [start, end) of the row list: logits (f64, from f32 x
  ;; promoted), softmax, residual, and the gradient W-part accumulated as f32x4 in blocks of
  ;; blockRows rows, flushed into f64. Returns Σ s·logloss; writes the intercept gradient
  ;; (K f64) and Σ s (one f64) at gb. X is stored by groups of 4 features: row r's nonzero groups
  ;; are the set bits g of its mask (nWords u64 words per row), stored from q = rowPtr[r] on as
  ;; gVal[q] (f32x4).
  (func (export "objective")
    (param $rows i32) (param $start i32) (param $end i32)
    (param $rowPtr i32) (param $mask i32) (param $nWords i32) (param $gVal i32)
    (param $lab i32) (param $sw i32) (param $W i32) (param $bias i32)
    (param $g32 i32) (param $g64 i32) (param $gb i32)
    (param $nGroups i32) (param $blockRows i32)
    (result f64)
    (local $p i32) (local $r i32) (local $s f64) (local $swSum f64) (local $loss f64)
    (local $q i32) (local $q0 i32) (local $q1 i32) (local $x v128) (local $xlo v128) (local $xhi v128)
    (local $mw i32) (local $wEnd i32) (local $gBase i32) (local $bits i64) (local $g i32)
    (local $wo i32) (local $go i32) (local $zmax f64) (local $sum f64) (local $inv f64) (local $y i32)
    (local $cnt i32) (local $e f64) (local $rc f64)
${each((c) => `    (local $a${c} v128) (local $z${c} f64) (local $r${c} v128)`)}
    (call $zero (local.get $g32) (i32.mul (local.get $nGroups) (i32.const ${G_BLOCK})))
    (call $zero (local.get $g64) (i32.mul (local.get $nGroups) (i32.const ${W_BLOCK})))
    (call $zero (local.get $gb) (i32.const ${(K + 2) * 8}))
    (local.set $p (local.get $start))
    (block $rowsDone (loop $row
      (br_if $rowsDone (i32.ge_u (local.get $p) (local.get $end)))
      (local.set $r (i32.load (i32.add (local.get $rows) (i32.shl (local.get $p) (i32.const 2)))))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (local.set $s (if (result f64) (local.get $sw)
        (then (f64.promote_f32 (f32.load (i32.add (local.get $sw) (i32.shl (local.get $r) (i32.const 2))))))
        (else (f64.const 1))))
      (br_if $row (f64.eq (local.get $s) (f64.const 0)))
      (local.set $swSum (f64.add (local.get $swSum) (local.get $s)))
      (local.set $q0 (i32.load (i32.add (local.get $rowPtr) (i32.shl (local.get $r) (i32.const 2)))))
      (local.set $q1 (i32.load offset=4 (i32.add (local.get $rowPtr) (i32.shl (local.get $r) (i32.const 2)))))
${each((c) => `      (local.set $a${c} (v128.const i32x4 0 0 0 0))`)}
      ;; Logits: every nonzero group of x serves the dot products of the classes of a pass.
${range(K / PASS_CLASSES)
  .map((h) =>
    logitsPass(
      `l${h}`,
      range(PASS_CLASSES).map((i) => h * PASS_CLASSES + i),
    ),
  )
  .join('\n')}
${each(
  (c) => `      (local.set $z${c} (f64.add (f64.load offset=${c * 8} (local.get $bias))
        (f64.add (f64x2.extract_lane 0 (local.get $a${c})) (f64x2.extract_lane 1 (local.get $a${c})))))`,
)}
      (local.set $zmax (local.get $z0))
${range(K - 1)
  .map((i) => `      (local.set $zmax (f64.max (local.get $zmax) (local.get $z${i + 1})))`)
  .join('\n')}
      (local.set $y (i32.load8_u (i32.add (local.get $lab) (local.get $r))))
      ;; −log softmax_y = log Σ exp(z − zmax) + zmax − z_y.
      (local.set $e (f64.const 0))
${each(
  (
    c,
  ) => `      (if (i32.eq (local.get $y) (i32.const ${c})) (then (local.set $e (local.get $z${c}))))
      (local.set $z${c} (call $exp (f64.sub (local.get $z${c}) (local.get $zmax))))`,
)}
      (local.set $sum (f64.const 0))
${each((c) => `      (local.set $sum (f64.add (local.get $sum) (local.get $z${c})))`)}
      (local.set $loss (f64.add (local.get $loss) (f64.mul (local.get $s)
        (f64.sub (f64.add (call $log (local.get $sum)) (local.get $zmax)) (local.get $e)))))
      (local.set $inv (f64.div (f64.const 1) (local.get $sum)))
      ;; Residual s·(p − onehot(y)): f64 for the intercepts, f32x4 splats for the weights.
${each(
  (
    c,
  ) => `      (local.set $rc (f64.mul (local.get $s) (f64.sub (f64.mul (local.get $z${c}) (local.get $inv))
        (select (f64.const 1) (f64.const 0) (i32.eq (local.get $y) (i32.const ${c}))))))
      (f64.store offset=${c * 8} (local.get $gb) (f64.add (f64.load offset=${c * 8} (local.get $gb)) (local.get $rc)))
      (local.set $r${c} (f32x4.splat (f32.demote_f64 (local.get $rc))))`,
)}
      ;; Gradient: residual ⊗ x over the same nonzero groups.
${groupLoop(
  'g2',
  `          (local.set $go (i32.add (local.get $g32) (i32.mul (local.get $g) (i32.const ${G_BLOCK}))))
          (local.set $x (v128.load (i32.add (local.get $gVal) (i32.shl (local.get $q) (i32.const 4)))))
${each(
  (c) => `          (v128.store offset=${c * 16} (local.get $go)
            (f32x4.add (v128.load offset=${c * 16} (local.get $go)) (f32x4.mul (local.get $r${c}) (local.get $x))))`,
)}`,
)}
      (local.set $cnt (i32.add (local.get $cnt) (i32.const 1)))
      (if (i32.ge_u (local.get $cnt) (local.get $blockRows)) (then
        (call $flush (local.get $g32) (local.get $g64) (local.get $nGroups))
        (local.set $cnt (i32.const 0))))
      (br $row)))
    (call $flush (local.get $g32) (local.get $g64) (local.get $nGroups))
    (f64.store offset=${K * 8} (local.get $gb) (local.get $swSum))
    (local.get $loss))
)
`;
}

const wabt = await wabtInit();
const features = { simd: true, threads: true };
function assemble(shared) {
  const text = wat(shared);
  const mod = wabt.parseWat(`objective${shared ? '-shared' : ''}.wat`, text, features);
  // wabt.js's validator ignores the threads feature, so shared memories are checked by V8 below.
  if (!shared) mod.validate();
  const { buffer } = mod.toBinary({});
  mod.destroy();
  if (!WebAssembly.validate(buffer))
    throw new Error(`the ${shared ? 'shared ' : ''}kernel is invalid`);
  return { text, bytes: Buffer.from(buffer) };
}
const plain = assemble(false);
const shared = assemble(true);
mkdirSync('dist/wasm', { recursive: true });
writeFileSync('dist/wasm/objective.wat', plain.text);
writeFileSync('dist/wasm/objective.wasm', plain.bytes);
writeFileSync('dist/wasm/objective-shared.wasm', shared.bytes);
writeFileSync(
  'src/core/simd-kernel.generated.ts',
  `// Generated by scripts/build-wasm.mjs from its WAT (assembled with wabt): do not edit.
/** Classes per kernel call; fewer classes are padded. */
export const KERNEL_CLASSES = ${K};
/** The kernel for a plain (unshared) memory, base64. */
export const KERNEL_WASM_BASE64 =
  '${plain.bytes.toString('base64')}';
/** The same kernel importing a shared memory (for worker threads), base64. */
export const KERNEL_WASM_SHARED_BASE64 =
  '${shared.bytes.toString('base64')}';
`,
);
console.log(`wasm kernel: ${plain.bytes.length} bytes (shared variant ${shared.bytes.length})`);
