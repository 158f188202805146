import { model, type Suite } from '../../lib/experiments/suite';

/** The candidate peak learning rates of the recipe sweep (batch 128, AdamW). */
export const RECIPE_LRS = [1e-3, 2e-3, 4e-3];

/**
 * The small sweep that fixes the standard recipe, on validation data only (docs/recipe.md):
 * the question's two arms on the relation task, where spatial tokens can sit at chance
 * before they climb, one seed, each learning rate trained under the candidate early stopping.
 */
export const recipe: Suite = {
  name: 'recipe',
  description:
    'Which learning rate, and how much patience, the standard recipe needs: channel-full and spatial-full on the relation task at three peak learning rates, one seed, read on validation accuracy only.',
  datasets: ['relation'],
  models: ['channel-full', 'spatial-full'].flatMap((m) => RECIPE_LRS.map((lr) => model(`${m} lr ${lr}`, m, undefined, { lr }))),
  comparisons: [],
  kind: 'recipe',
};
