/** Claims: the checks and summaries the report's narrative is built from. */
export * from './findings';
export * from './literature';
export * from './pooling';
export * from './controls';
