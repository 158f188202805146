/**
 * One behaviour for every `npm run …` command:
 *
 * - `--help` / `-h` prints the usage and exits 0;
 * - a usage error (unknown option, missing or invalid value) prints the message
 *   and the usage and exits 2;
 * - a runtime failure prints one line (no stack trace; MAPTOKENS_DEBUG=1 shows it)
 *   and exits 1.
 *
 * Arguments are parsed by `node:util`'s parseArgs, strictly: an option the command
 * does not declare is an error, never silently ignored.
 */
import { parseArgs } from 'node:util';

/** Thrown for bad arguments: exit 2 with the usage. */
export class UsageError extends Error {}

type OptionSpec = { type: 'string' | 'boolean'; short?: string; multiple?: boolean; default?: string | boolean };

export interface CommandSpec<O extends Record<string, OptionSpec>> {
  /** The whole usage text; its first line starts with `usage:`. */
  usage: string;
  options: O;
  /** Whether bare arguments (names) are accepted. */
  positionals?: boolean;
}

type Values<O extends Record<string, OptionSpec>> = {
  [K in keyof O]: O[K]['type'] extends 'boolean' ? boolean | undefined : string | undefined;
};

/** Parses argv (without node and the script) against the spec; throws UsageError. */
export function parseCommand<O extends Record<string, OptionSpec>>(
  spec: CommandSpec<O>,
  argv: string[],
): { values: Values<O>; positionals: string[]; help: boolean } {
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    const options = { ...spec.options, help: { type: 'boolean' as const, short: 'h' } };
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true }) as typeof parsed;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const help = parsed.values.help === true;
  if (!help && !spec.positionals && parsed.positionals.length) throw new UsageError(`unexpected argument '${parsed.positionals[0]}'`);
  return { values: parsed.values as Values<O>, positionals: parsed.positionals, help };
}

/** A positive integer option value, or a UsageError naming the option. */
export function positiveInt(name: string, v: string | undefined, min = 1): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer ≥ ${min}; got '${v}'`);
  return n;
}

/** A value that must be one of `choices`, or a UsageError listing them. */
export function oneOf<T extends string>(name: string, v: string | undefined, choices: readonly T[]): T | undefined {
  if (v === undefined) return undefined;
  if (!(choices as readonly string[]).includes(v)) throw new UsageError(`--${name} must be one of ${choices.join(', ')}; got '${v}'`);
  return v as T;
}

/** A comma-separated list whose every item is one of `choices`. */
export function listOf<T extends string>(name: string, v: string | undefined, choices?: readonly T[]): T[] | undefined {
  if (v === undefined) return undefined;
  const items = v.split(',').filter(Boolean);
  if (!items.length) throw new UsageError(`--${name} needs at least one value`);
  if (choices) for (const x of items) oneOf(name, x, choices);
  return items as T[];
}

/**
 * Runs a command's main with the rule above. `main` may return an exit code
 * (a sweep in which nothing could run returns 1, having said why).
 */
export function runCommand<O extends Record<string, OptionSpec>>(
  spec: CommandSpec<O>,
  // biome-ignore lint/suspicious/noConfusingVoidType: a command's main may return nothing (exit code 0) or its exit code
  main: (values: Values<O>, positionals: string[]) => Promise<number | void> | number | void,
  argv = process.argv.slice(2),
): void {
  const usage = (msg: string): void => {
    console.error(`${msg}\n${spec.usage}`);
    process.exitCode = 2;
  };
  let parsed: ReturnType<typeof parseCommand<O>>;
  try {
    parsed = parseCommand(spec, argv);
  } catch (e) {
    usage((e as Error).message);
    return;
  }
  if (parsed.help) {
    console.log(spec.usage);
    process.exitCode = 0;
    return;
  }
  Promise.resolve()
    .then(() => main(parsed.values, parsed.positionals))
    .then((code) => {
      if (typeof code === 'number') process.exitCode = code;
    })
    .catch((e: unknown) => {
      if (e instanceof UsageError) return usage(e.message);
      const msg = e instanceof Error ? e.message : String(e);
      console.error(process.env.MAPTOKENS_DEBUG === '1' && e instanceof Error ? e.stack : `error: ${msg}`);
      process.exitCode = 1;
    });
}
