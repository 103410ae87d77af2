/** Boundary checks shared by the core's public functions. */

/**
 * Throws a TypeError unless `value` is an instance of `type` (e.g. Float64Array), naming the
 * parameter, the type expected and what was got: `labels must be a Uint8Array, got [object Array]`,
 * `folds must be an Int32Array, got …`.
 */
export function checkTypedArray<T>(
  name: string,
  value: unknown,
  type: { new (...args: never[]): T; readonly name: string },
): asserts value is T {
  if (!(value instanceof type)) {
    // "an Int32Array" but "a Uint8Array" (said "you-int"): only the Int… arrays take "an".
    const article = /^I/.test(type.name) ? 'an' : 'a';
    throw new TypeError(
      `${name} must be ${article} ${type.name}, got ${Object.prototype.toString.call(value)}`,
    );
  }
}
