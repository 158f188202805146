/** Models: configs, presets, the builder, the cost model and save/load. */
export * from './config';
export * from './cost';
export * from './create';
export * from './io';
export * from './presets';
export * from './stem';
export * from './fixed-filters';
