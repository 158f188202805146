/** Data: loaders, diagnostic tasks, the pipeline and the registry. */
export * from './types';
export * from './idx';
export * from './mnist';
export * from './fashion-mnist';
export * from './cifar10';
export * from './diagnostic';
export * from './folder';
export * from './pipeline';
export * from './registry';
export * from './sample-image';
