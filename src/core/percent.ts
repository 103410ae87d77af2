/**
 * Probabilities as people read them, one rounding for the page and the command line: whole
 * percentages rounded down, so a confidence is never overstated ("99%", never "100%" for 0.9996).
 */

/** A probability as a whole percentage, rounded down (the 1e-9 keeps 0.29 at 29, not 28). */
export function percentFloor(p: number): number {
  return Math.max(0, Math.min(100, Math.floor(p * 100 + 1e-9)));
}

/** A confidence as the page and `digitrec predict` show it: "98%". */
export function formatConfidence(p: number): string {
  return `${percentFloor(p)}%`;
}

/**
 * A probability for a list of all ten, rounded down like the confidence so the two agree: "37%",
 * "<1%" for small non-zero values, "0%" for zero.
 */
export function percentLabel(p: number): string {
  if (p > 0 && p < 0.01) return '<1%';
  return formatConfidence(p);
}

/** "a 7", "an 8": a digit with its article, as it is read aloud. */
export function aDigit(d: number): string {
  return `${d === 8 ? 'an' : 'a'} ${d}`;
}
