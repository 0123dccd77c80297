/** The obviously correct event queue the real scheduler is checked against. */
export interface NaiveEvent {
  timeUs: number;
  rank: number;
  seq: number;
  kind: number;
  target: number;
}

export class NaiveQueue {
  private events: NaiveEvent[] = [];
  private nextSeq = 0;

  schedule(timeUs: number, kind: number, target: number, rank = 0): void {
    this.events.push({ timeUs, rank, seq: this.nextSeq++, kind, target });
  }

  pop(): NaiveEvent | undefined {
    this.events.sort((a, b) => a.timeUs - b.timeUs || a.rank - b.rank || a.seq - b.seq);
    return this.events.shift();
  }
}
