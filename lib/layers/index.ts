/** Building blocks: custom tfjs layers, each registered for save/load on import. */
export * from './attention';
export * from './cosine-attention';
export * from './window-attention';
export * from './channel-attention';
export * from './token-grid-conv';
export * from './map-mixing';
export * from './layer-norm';
export * from './relu';
export { setFusedOps, setNativeLayerNorm } from './fused';
export * from './embeddings';
export * from './pooling';
export * from './squeeze-excite';
export { one, oneShape } from './common';
export * from './roles';
