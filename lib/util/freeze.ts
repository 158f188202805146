/** Freezes a value and everything it holds (functions and regular expressions as they are): a resolved value cannot drift. */
export function deepFreeze<T>(x: T): T {
  if (x && typeof x === 'object' && !(x instanceof RegExp) && !Object.isFrozen(x)) {
    Object.freeze(x);
    for (const v of Object.values(x)) deepFreeze(v);
  }
  return x;
}
