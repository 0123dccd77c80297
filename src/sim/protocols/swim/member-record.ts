/**
 * The layout of a SWIM member's record (SwimCore.rec): REC doubles per member at
 * member·REC + R_*, the probe round's state and the tickers' phase and epoch. A probe
 * round — the tick, the ping, the ack — reads and writes most of it for one member; as
 * sixteen separate arrays that was a cache line each at 10 000 members. The first 64
 * bytes hold what an ack touches. Small integers (flags, counts, the pass key) are
 * exact as doubles.
 */
export const REC = 16;
export const R_EPOCH = 0;
export const R_PROBE_SEQ = 1;
export const R_PROBE_SENT_US = 2;
/** 1 while a probe round is in progress. */
export const R_PROBE_ACTIVE = 3;
/** 1 while the round's direct timeout is not scheduled yet (the ping's arrival decides). */
export const R_TIMEOUT_UNARMED = 4;
/** Arrival of the ack that ended the round, until its awareness −1 is applied (∞: none). */
export const R_SUCCESS_AT_US = 5;
/** The probe ticker's phase (a local clock reading). */
export const R_PROBE_PHASE_US = 6;
/** Arrival of a direct ack that carried no broadcasts (recorded without an event; see onPacket). */
export const R_PROBE_ACK_US = 7;
export const R_PROBE_DEADLINE_US = 8;
export const R_PROBE_TCP_OK_US = 9;
export const R_PROBE_TARGET = 10;
export const R_PASS_INDEX = 11;
export const R_PASS_KEY = 12;
/** Lifeguard's awareness score. */
export const R_AWARENESS = 13;
export const R_PROBE_NACKS = 14;
export const R_PROBE_NACKS_EXPECTED = 15;

