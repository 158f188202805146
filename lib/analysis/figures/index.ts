/** Figures: plotly builders over plain data and results, and saving them for papers. */
export * from './plotly';
export * from './results';
export * from './cost';
export * from './save';
export * from './regime';
