/**
 * The wall time a set of runs occupied: the union of their [started, ended]
 * intervals. A sweep that spans several sessions (the store resumes) has gaps between
 * them in which nothing ran; "first start to last end" would count those gaps, and a
 * plain sum of run times would count two workers' overlapping runs twice.
 */
export function busySeconds(runs: { started: string; ended: string; segments?: { started: string; ended: string }[] }[]): number {
  // A run resumed from a checkpoint trained in segments; the gap between them is not its.
  const spans = runs
    .flatMap((r) => r.segments ?? [r])
    .map((r) => [Date.parse(r.started), Date.parse(r.ended)] as const)
    .sort((a, b) => a[0] - b[0]);
  let total = 0;
  let [from, to] = [NaN, NaN];
  for (const [a, b] of spans) {
    if (!(a <= to)) {
      // A gap (or the first span): close the merged span so far.
      if (to > from) total += to - from;
      [from, to] = [a, b];
    } else to = Math.max(to, b);
  }
  if (to > from) total += to - from;
  return total / 1000;
}
