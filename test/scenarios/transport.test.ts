/** `transport: udp | tcp` and the `tcp:` parameters in scenario files (issue #13). */
import { describe, expect, it } from 'vitest';
import { build } from '../../src/scenarios/build.js';
import { loadScenarioText } from '../../src/scenarios/load.js';
import { refusedLines } from './refused.js';

const config = (text: string) => build(loadScenarioText(text, 't.yaml').scenario).config;

const lines = (text: string): string[] => refusedLines(() => loadScenarioText(text, 't.yaml'));

describe('link transport', () => {
  it('is UDP unless a link says tcp, and TCP takes the Linux defaults', () => {
    expect(config('link: { loss: 1% }').link.transport).toBeUndefined();
    const c = config('link: { loss: 1%, transport: tcp }');
    expect(c.link.transport).toBe('tcp');
    expect(c.link.tcp).toEqual({ rtoMinUs: 200_000, rtoInitialUs: 1_000_000, rtoMaxUs: 120_000_000, retries2: 15, reconnectDelayUs: 1_000_000, userTimeoutUs: 0 });
    // The reverse link and link classes inherit the transport unless they say otherwise.
    expect(c.reverseLink?.transport ?? c.link.transport).toBe('tcp');
  });

  it('takes settable parameters with units', () => {
    const c = config('link:\n  transport: tcp\n  tcp: { rto_min: 5ms, retries2: 5, user_timeout: 30s, reconnect_delay: 2s }\n');
    expect(c.link.tcp).toMatchObject({ rtoMinUs: 5_000, retries2: 5, userTimeoutUs: 30_000_000, reconnectDelayUs: 2_000_000 });
  });

  it('a link class can switch the transport of some nodes', () => {
    const c = config('cluster: { nodes: [a, b] }\nlink: { transport: tcp }\nlink_classes:\n  legacy: { nodes: [b], transport: udp }\n');
    expect(c.link.transport).toBe('tcp');
    expect(c.linkOverrides?.[0]?.toObserver?.transport).toBeUndefined();
    const d = config('cluster: { nodes: [a, b] }\nlink: { transport: tcp }\nlink_classes:\n  far: { nodes: [b], preset: cross-region }\n');
    expect(d.linkOverrides?.[0]?.toObserver?.transport).toBe('tcp');
  });

  it('refuses a negative RTO, retries below 0, an unknown transport and rto_max below rto_min, with file:line', () => {
    expect(lines('link:\n  transport: tcp\n  tcp: { rto_min: -200ms }\n')[0]).toMatch(/^t\.yaml:3:19 link\.tcp\.rto_min: expected a duration.*durations cannot be negative/);
    expect(lines('link:\n  transport: tcp\n  tcp: { retries2: -1 }\n')[0]).toMatch(/^t\.yaml:3:20 link\.tcp\.retries2: expected a whole number from 0 to 100/);
    expect(lines('link: { transport: quic }\n')[0]).toMatch(/^t\.yaml:1:20 link\.transport: expected udp or tcp/);
    expect(lines('link:\n  tcp: { rto_min: 2s, rto_max: 1s }\n')[0]).toMatch(/^t\.yaml:2:\d+ link\.tcp\.rto_max: rto_max must be at least rto_min/);
    expect(lines('link:\n  tcp: { rto_mn: 2s }\n')[0]).toMatch(/unknown field "rto_mn" \(did you mean "rto_min"\?\)/);
  });
});

describe('monitor_crash', () => {
  it('builds the engine failover: onset, takeover, start-up', () => {
    const c = config('faults:\n  - monitor_crash: { every: 7d, takeover: 15s, startup: empty }\n');
    expect(c.monitorFailover).toEqual({ onset: { kind: 'poisson', meanGapUs: 7 * 86_400_000_000 }, takeoverUs: 15_000_000, startup: 'empty' });
    expect(config('faults:\n  - monitor_crash: { at: 1m }\n').monitorFailover).toMatchObject({ takeoverUs: 10_000_000, startup: 'grace' });
    expect(config('{}').monitorFailover).toBeUndefined();
  });

  it('refuses a negative takeover, a second monitor_crash, a pull detector and a missing onset, with file:line', () => {
    expect(lines('faults:\n  - monitor_crash: { at: 1m, takeover: -1s }\n')[0]).toMatch(/^t\.yaml:2:\d+ faults\.0\.monitor_crash\.takeover: expected a duration/);
    expect(lines('faults:\n  - monitor_crash: { at: 1m }\n  - monitor_crash: { at: 2m }\n')[0]).toMatch(/^t\.yaml:3:\d+ faults\.1\.monitor_crash: there is one monitor/);
    expect(lines('detector: { kind: pull_check }\nfaults:\n  - monitor_crash: { at: 1m }\n')[0]).toMatch(/^t\.yaml:3:\d+ faults\.0\.monitor_crash: monitor failover is modelled for pushed heartbeats and leases/);
    expect(lines('faults:\n  - monitor_crash: { takeover: 5s }\n')[0]).toMatch(/^t\.yaml:2:\d+ faults\.0\.monitor_crash: a monitor crash needs an onset/);
  });
});

describe('lease request timeouts', () => {
  it('pass the client timeout and retry period to the engine (retry defaults to the timeout)', () => {
    const c = config('detector: { kind: lease, request_timeout: 2s, retry_period: 500ms }\n');
    expect(c.detector).toMatchObject({ kind: 'lease', requestTimeoutUs: 2_000_000, retryUs: 500_000 });
    expect(config('detector: { kind: lease, request_timeout: 2s }\n').detector).toMatchObject({ requestTimeoutUs: 2_000_000, retryUs: 2_000_000 });
    expect(config('detector: { kind: lease }\n').detector).not.toHaveProperty('requestTimeoutUs');
    expect(lines('detector: { kind: lease, request_timeout: -1s }\n')[0]).toMatch(/^t\.yaml:1:\d+ detector\.request_timeout: expected a duration/);
  });
});
