/**
 * Fast paths of the engine that replace its global event queue for configurations
 * where nodes are independent. Each produces tallies identical to the engine's.
 */
export { fastPathApplies } from './qualify.js';
export { runTimeoutKernel } from './timeout-kernel.js';
