/** Every suite of the study, by name. Each file declares one grid as data; `all` (lib/experiments/plan.ts) is their union. */
import type { Suite } from '../../lib/experiments/suite';
import { channelVsSpatial } from './channel-vs-spatial';
import { controls } from './controls';
import { core } from './core';
import { embeddings } from './embeddings';
import { literature, literatureLong } from './literature';
import { pooledVsFull } from './pooled-vs-full';
import { recipe } from './recipe';
import { underfitLr } from './underfit';
import { learnedMapCount, learnedMaps } from './learned-maps';
import { style } from './style';
import { scaling } from './scaling';
import { hybridWhereTheyDiffer, styleUnlimited } from './unlimited';
import { dataSize, regime } from './regime';

export const SUITES: Record<string, Suite> = Object.fromEntries(
  [
    core,
    controls,
    style,
    learnedMaps,
    learnedMapCount,
    channelVsSpatial,
    pooledVsFull,
    embeddings,
    literature,
    literatureLong,
    scaling,
    recipe,
    styleUnlimited,
    hybridWhereTheyDiffer,
    underfitLr,
    regime,
    dataSize,
  ].map((s) => [s.name, s]),
);
