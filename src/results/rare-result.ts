/**
 * `rare_false_suspicions` of a cell (written by `hbsim run --rare`, docs/results.md):
 * the false-suspicion rate estimated by importance sampling (src/rare) where the model
 * allows it, beside the simulated count; otherwise why not, and how many node-days of
 * plain simulation a claim would need.
 */
export type RareFalseSuspicions =
  | {
      readonly applies: true;
      /** Estimated false suspicions per node-day of up-time. */
      readonly per_node_day: number;
      readonly standard_error: number;
      /** 95 % interval (normal on the weighted mean; [0, bound] when nothing was hit). */
      readonly ci95: readonly [number, number];
      readonly samples: number;
      readonly hits: number;
      readonly method: string;
      /** |estimate − simulated| within 4 combined standard errors (simulated: √count / node-days); null without simulated up-time. */
      readonly agrees_with_simulation: boolean | null;
    }
  | {
      readonly applies: false;
      readonly reason: string;
      /** Node-days of plain simulation with no false suspicion that would show the rate below each bound (95 %). */
      readonly node_days_to_show_below: Readonly<Record<string, number>>;
    };
