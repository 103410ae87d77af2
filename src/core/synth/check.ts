/**
 * Argument checks shared by the synthetic-data generators. Each throws a `RangeError` (or a
 * `TypeError` for the wrong kind of value) naming the parameter, the value and what was expected.
 */

/** Checks that `value` is an integer ≥ `min` and returns it. */
export function checkInteger(name: string, value: number, min = 0): number {
  if (typeof value !== 'number')
    throw new TypeError(`${name} must be a number, got ${typeof value}`);
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`${name} must be an integer ≥ ${min}, got ${value}`);
  }
  return value;
}

/** Checks that `value` is a finite number within [`min`, `max`] and returns it. */
export function checkNumber(name: string, value: number, min: number, max: number): number {
  if (typeof value !== 'number')
    throw new TypeError(`${name} must be a number, got ${typeof value}`);
  if (!(value >= min && value <= max)) {
    throw new RangeError(`${name} must be a number in [${min}, ${max}], got ${value}`);
  }
  return value;
}

/**
 * Checks that `value` is a pair `[lo, hi]` with `min ≤ lo ≤ hi ≤ max` and returns it.
 */
export function checkInterval(
  name: string,
  value: readonly [number, number],
  min: number,
  max: number,
): readonly [number, number] {
  if (!Array.isArray(value) || value.length !== 2) {
    throw new TypeError(`${name} must be a pair [min, max], got ${JSON.stringify(value)}`);
  }
  const [lo, hi] = value;
  if (!(lo >= min && hi <= max && lo <= hi)) {
    throw new RangeError(
      `${name} must be [lo, hi] with ${min} ≤ lo ≤ hi ≤ ${max}, got [${lo}, ${hi}]`,
    );
  }
  return value;
}

/** A uniform draw from `[lo, hi]`. */
export function uniform(rng: () => number, [lo, hi]: readonly [number, number]): number {
  return lo + (hi - lo) * rng();
}
