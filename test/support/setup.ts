/**
 * Every property test runs with a fixed fast-check seed, so the default suite is
 * repeatable (a red CI means a change broke something, not an unlucky draw). A
 * nightly job explores fresh cases with HBSIM_FC_SEED=random (or any number).
 */
import fc from 'fast-check';

const configured = process.env.HBSIM_FC_SEED;
if (configured !== 'random') fc.configureGlobal({ seed: configured === undefined ? 20_261_126 : Number(configured) });
