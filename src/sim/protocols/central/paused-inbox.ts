/**
 * What waits in the sockets of paused nodes. A stop-the-world pause (GC, VM steal,
 * SIGSTOP) does not drop requests: the kernel keeps queueing them and the process reads
 * them, in arrival order, when it resumes. Probes are then answered late; lease grants
 * are read late. One flat list for all nodes: pauses are rare and short, so a resume
 * scans it once. Each entry carries the node's epoch (a crash empties its socket).
 */

export const InboxKind = { probe: 0, grant: 1 } as const;
export type InboxKindCode = (typeof InboxKind)[keyof typeof InboxKind];

const INITIAL_CAPACITY = 64;

export class PausedInbox {
  node = new Int32Array(INITIAL_CAPACITY);
  epoch = new Float64Array(INITIAL_CAPACITY);
  kind = new Uint8Array(INITIAL_CAPACITY);
  pair = new Int32Array(INITIAL_CAPACITY);
  seq = new Float64Array(INITIAL_CAPACITY);
  sentUs = new Float64Array(INITIAL_CAPACITY);
  length = 0;

  push(node: number, epoch: number, kind: InboxKindCode, pair: number, seq: number, sentUs: number): void {
    if (this.length === this.node.length) this.grow();
    const i = this.length++;
    this.node[i] = node;
    this.epoch[i] = epoch;
    this.kind[i] = kind;
    this.pair[i] = pair;
    this.seq[i] = seq;
    this.sentUs[i] = sentUs;
  }

  /** Drops a node's entries, keeping the others in order. */
  removeNode(node: number): void {
    let kept = 0;
    for (let i = 0; i < this.length; i++) {
      if (this.node[i] === node) continue;
      if (kept !== i) {
        this.node[kept] = this.node[i]!;
        this.epoch[kept] = this.epoch[i]!;
        this.kind[kept] = this.kind[i]!;
        this.pair[kept] = this.pair[i]!;
        this.seq[kept] = this.seq[i]!;
        this.sentUs[kept] = this.sentUs[i]!;
      }
      kept++;
    }
    this.length = kept;
  }

  private grow(): void {
    const capacity = this.node.length * 2;
    const node = new Int32Array(capacity);
    node.set(this.node);
    this.node = node;
    const epoch = new Float64Array(capacity);
    epoch.set(this.epoch);
    this.epoch = epoch;
    const kind = new Uint8Array(capacity);
    kind.set(this.kind);
    this.kind = kind;
    const pair = new Int32Array(capacity);
    pair.set(this.pair);
    this.pair = pair;
    const seq = new Float64Array(capacity);
    seq.set(this.seq);
    this.seq = seq;
    const sentUs = new Float64Array(capacity);
    sentUs.set(this.sentUs);
    this.sentUs = sentUs;
  }
}
