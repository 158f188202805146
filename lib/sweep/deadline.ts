/**
 * `--until`: a sweep that must stop at a known time (the end of a booking, a machine that is reclaimed) starts only
 * the runs it expects to finish by then. A run cut off mid-way resumes from its epoch checkpoint, but only on a
 * machine that still has the checkpoint; a run that was never started loses nothing. Runs that do not fit stay in
 * the plan, and the next sweep trains them.
 */
import type { PlannedRun } from '../experiments';
import type { Expectation } from './eta';

/**
 * How far past its expectation a run is allowed to go. Seeds of one config differ: on the standard runs the slowest
 * seed took up to 1.4× the mean of its config (channel-full on MNIST: 36, 64 and 85 min), because each stops at its
 * own plateau. An estimate from the work of other configs is rougher still (their epochs to the plateau range from
 * 16 to 86).
 */
export const SLACK: Record<Exclude<Expectation['basis'], 'cap'>, number> = { seeds: 1.5, work: 2.5 };

/**
 * Whether a run expected as `e` may start at `now` (ms) and still end by `until` (ms). With an empty store there is no
 * clock rate (basis 'cap'), so a run may start whenever the deadline has not passed.
 */
export function fitsBefore(until: number, now: number, e: Expectation): boolean {
  if (e.basis === 'cap') return now < until;
  return now + 1000 * e.seconds * SLACK[e.basis] <= until;
}

/** Removes and returns the first run of the queue that `fits`; the queue's order is kept otherwise. */
export function takeFitting(queue: PlannedRun[], fits: (p: PlannedRun) => boolean): PlannedRun | undefined {
  const i = queue.findIndex(fits);
  return i < 0 ? undefined : queue.splice(i, 1)[0];
}

/**
 * Parses `--until`. `HH:MM` is that local time today, and one that has already passed today is refused rather
 * than read as tomorrow (a midnight 20 hours away surprised a user): `tomorrow HH:MM` says so. `+3h`, `+90m` or
 * `+1h30m` is a duration from now. Anything else must be a date and time `Date` reads, such as 2026-11-28T07:20.
 * Returns ms since the epoch, or throws naming the value and what to write instead.
 */
export function parseUntil(v: string, now: Date = new Date()): number {
  const clock = (s: string): [number, number] | undefined => {
    const m = /^(\d{1,2}):(\d{2})$/.exec(s);
    if (!m) return undefined;
    const [h, min] = [+m[1], +m[2]];
    if (h > 23 || min > 59) throw new Error(`'${v}' is not a time of day`);
    return [h, min];
  };
  const at = (day: number, [h, min]: [number, number]): number => {
    const t = new Date(now);
    t.setDate(t.getDate() + day);
    t.setHours(h, min, 0, 0);
    return t.getTime();
  };
  const today = clock(v);
  if (today) {
    const t = at(0, today);
    const hhmm = `${String(now.getHours()).padStart(2, '0')}:${String(now.getMinutes()).padStart(2, '0')}`;
    if (t <= now.getTime())
      throw new Error(`'${v}' has already passed today (it is ${hhmm}): write --until tomorrow ${v}, or a duration such as +3h`);
    return t;
  }
  const tomorrow = /^tomorrow\s+(\S+)$/.exec(v);
  if (tomorrow) {
    const c = clock(tomorrow[1]);
    if (!c) throw new Error(`'${v}': tomorrow takes a time of day, HH:MM`);
    return at(1, c);
  }
  const dur = /^\+(?:(\d+)h)?(?:(\d+)m)?$/.exec(v);
  if (dur && (dur[1] || dur[2])) return now.getTime() + (3600 * +(dur[1] ?? 0) + 60 * +(dur[2] ?? 0)) * 1000;
  const t = Date.parse(v);
  if (!/\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}/.test(v) || Number.isNaN(t))
    throw new Error(
      `'${v}' is neither HH:MM, tomorrow HH:MM, a duration such as +3h or +90m, nor a date and time such as 2026-11-28T07:20`,
    );
  if (t <= now.getTime()) throw new Error(`'${v}' has already passed`);
  return t;
}
