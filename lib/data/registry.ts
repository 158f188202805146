/**
 * Datasets by name, with their metadata: `mnist`, `fashion-mnist`, `cifar10`,
 * `relation`, `appearance`, `cooccurrence`, and `folder:<name>` (or plain `<name>` when
 * data/<name>/ is a folder of class folders).
 *
 * Loads are memoized per process, so rerunning a notebook cell does not re-read
 * 150 MB of JSON.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DATA_DIR } from '../util/paths';
import { Cifar10Missing, loadCifar10 } from './cifar10';
import { appearanceTask, cooccurrenceTask, type DiagnosticOptions, relationTask } from './diagnostic';
import { loadFashionMnist } from './fashion-mnist';
import { type FolderOptions, loadFolderDataset } from './folder';
import { loadMnist } from './mnist';
import type { Dataset } from './types';

export const BUILTIN_DATASETS = ['mnist', 'fashion-mnist', 'cifar10', 'relation', 'appearance', 'cooccurrence'] as const;
export type BuiltinDataset = (typeof BUILTIN_DATASETS)[number];

export interface LoadOptions {
  dataDir?: string;
  /** Size, counts and seed of the diagnostic tasks. */
  diagnostic?: DiagnosticOptions;
  /** Options for folder datasets. */
  folder?: Omit<FolderOptions, 'dataDir' | 'name'>;
}

const memo = new Map<string, Dataset>();

/** Whether a name refers to a dataset (without loading it). */
export function isDatasetName(name: string, dataDir = DATA_DIR): boolean {
  return (BUILTIN_DATASETS as readonly string[]).includes(name) || folderName(name, dataDir) !== undefined;
}

function folderName(name: string, dataDir: string): string | undefined {
  const n = name.startsWith('folder:') ? name.slice('folder:'.length) : name;
  if ((BUILTIN_DATASETS as readonly string[]).includes(n) && !name.startsWith('folder:')) return undefined;
  const dir = path.join(dataDir, n);
  return fs.existsSync(dir) && fs.statSync(dir).isDirectory() ? n : undefined;
}

/** Loads a dataset by name. Throws Cifar10Missing when CIFAR-10 was never downloaded. */
export function loadDataset(name: string, opts: LoadOptions = {}): Dataset {
  const dataDir = opts.dataDir ?? DATA_DIR;
  const key = JSON.stringify([name, dataDir, opts.diagnostic ?? {}, opts.folder ?? {}]);
  const hit = memo.get(key);
  if (hit) return hit;
  let ds: Dataset;
  switch (name) {
    case 'mnist':
      ds = loadMnist();
      break;
    case 'fashion-mnist':
      ds = loadFashionMnist({ dataDir });
      break;
    case 'cifar10':
      ds = loadCifar10({ dataDir });
      break;
    case 'relation':
      ds = relationTask(opts.diagnostic);
      break;
    case 'appearance':
      ds = appearanceTask(opts.diagnostic);
      break;
    case 'cooccurrence':
      ds = cooccurrenceTask(opts.diagnostic);
      break;
    default: {
      const folder = folderName(name, dataDir);
      if (!folder) {
        throw new Error(
          `unknown dataset '${name}': use one of ${BUILTIN_DATASETS.join(', ')}, or put images in ${path.join(dataDir, '<name>', '<class>')}/ and use 'folder:<name>'`,
        );
      }
      ds = loadFolderDataset({ dataDir, name: folder, ...opts.folder });
    }
  }
  memo.set(key, ds);
  return ds;
}

/**
 * Why a dataset cannot be loaded on this machine, or undefined when it can: CIFAR-10 must be
 * downloaded once (`npm run data -- cifar10`); every other built-in dataset ships with npm ci or is
 * generated. Loads it to find out (memoized: the run that follows reads the same copy).
 */
export function datasetAbsent(name: string, opts: LoadOptions = {}): string | undefined {
  try {
    loadDataset(name, opts);
    return undefined;
  } catch (e) {
    if (e instanceof Cifar10Missing) return e.message;
    throw e;
  }
}

/** Like loadDataset, but returns undefined (and says why, once) when CIFAR-10 is absent offline. */
export function loadDatasetOrSkip(
  name: string,
  opts: LoadOptions = {},
  log: (m: string) => void = (m) => console.error(m),
): Dataset | undefined {
  const why = datasetAbsent(name, opts);
  if (why === undefined) return loadDataset(name, opts); // memoized: the load datasetAbsent made
  log(`skipped ${name}: ${why}`);
  return undefined;
}

/** Forgets memoized datasets (tests use it to force a reload). */
export function clearDatasetMemo(): void {
  memo.clear();
}
