/** The obviously correct event queue the real scheduler is checked against. */
export interface NaiveEvent {
  timeUs: number;
  seq: number;
  kind: number;
  target: number;
}

export class NaiveQueue {
  private events: NaiveEvent[] = [];
  private nextSeq = 0;

  schedule(timeUs: number, kind: number, target: number): void {
    this.events.push({ timeUs, seq: this.nextSeq++, kind, target });
  }

  pop(): NaiveEvent | undefined {
    this.events.sort((a, b) => a.timeUs - b.timeUs || a.seq - b.seq);
    return this.events.shift();
  }
}
