/** Claims: the checks the report's prose stands on, the question's claims table, controls, sanity pairs and comparisons. */
export * from './claim';
export * from './comparisons';
export * from './controls';
export * from './literature';
export * from './question';
export * from './sanity';
