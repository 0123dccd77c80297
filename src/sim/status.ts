/** What an observer believes about a target. Ordered by severity. */
export const Status = { alive: 0, suspected: 1, dead: 2 } as const;
export type StatusCode = (typeof Status)[keyof typeof Status];
export const STATUS_NAMES = ['ALIVE', 'SUSPECTED', 'DEAD'] as const;
export type StatusName = (typeof STATUS_NAMES)[number];
