/**
 * The built-in scenarios: one YAML file per name in this folder, each citing the
 * system, version and source file its values come from. This list fixes their
 * order in `hbsim presets`; a test checks it matches the folder. Reading the
 * files is load.ts's job.
 */

export const PRESET_NAMES = [
  'db-ha',
  'seed-demo',
  'k8s',
  'k8s-pre-1.32',
  'etcd',
  'kafka-consumer',
  'zookeeper',
  'hdfs',
  'elasticsearch',
  'redis-sentinel',
  'akka-cluster',
  'akka-remote-watch',
  'cassandra',
  'aws-alb',
  'k8s-liveness',
  'k8s-leader-election',
  'consul-lan',
  'consul-wan',
  'nomad',
  'serf',
  'ring-example',
  'akka-cluster-monitors',
  'cassandra-gossip',
] as const;

export type PresetName = (typeof PRESET_NAMES)[number];

/** What `hbsim run` (and `npm start`) runs when given no scenario: small enough to finish in seconds. */
export const DEFAULT_PRESET: PresetName = 'db-ha';

export function isPresetName(name: string): name is PresetName {
  return (PRESET_NAMES as readonly string[]).includes(name);
}
