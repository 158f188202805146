/** Models: configs and their resolution, the builder, the cost model and save/load (the named presets are the study's). */
export { describeModel } from './architecture';
export * from './config';
export * from './cost';
export * from './create';
export * from './io';
export * from './resolve';
export * from './stem';
export * from './fixed-filters';
