/** Rare false-suspicion rates by importance sampling (see estimate.ts), and the closed forms that check it. */
export { rareModelOf, type RareModel, type RareApplicability, type RarePause } from './model.js';
export { estimateRareFalseSuspicions, estimateLossOnsets, estimatePauseOnsets, ALPHA, type RareEstimate, type ComponentEstimate, type RareOptions } from './estimate.js';
export { lossOnsetsPerNodeDay, pauseOnsetsPerNodeDay } from './closed-form.js';
export { rareFalseSuspicions, DEFAULT_RARE_SAMPLES } from './cell.js';
