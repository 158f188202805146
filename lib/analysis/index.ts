/**
 * Analysis reads results and nothing else: statistics over seeds, tables, views of
 * a suite's records, figures and the claims the report makes. It never trains or
 * builds a model (test/structure.test.ts holds it to that).
 */
export * from './statistics';
export * from './fit';
export * from './speed';
export * from './tables';
export * from './views';
export * from './figures';
export * from './claims';
