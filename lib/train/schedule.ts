/**
 * Learning-rate schedule: linear warmup to the peak, then cosine decay to zero
 * (Loshchilov & Hutter 2017, "SGDR"; the ViT/DeiT recipe).
 */
export function learningRate(step: number, totalSteps: number, warmupSteps: number, peak: number): number {
  if (warmupSteps > 0 && step < warmupSteps) return (peak * (step + 1)) / warmupSteps;
  const span = Math.max(1, totalSteps - warmupSteps);
  const progress = Math.min(1, (step - warmupSteps) / span);
  return 0.5 * peak * (1 + Math.cos(Math.PI * progress));
}
