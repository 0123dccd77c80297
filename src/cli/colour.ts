/**
 * Colour for terminals only: on when the stream is a TTY, off when NO_COLOR is set
 * to anything non-empty (no-color.org), forced on by FORCE_COLOR (not "0"). Plain
 * ANSI SGR codes; no dependency.
 */
import type { OutStream } from './io.js';

export interface Palette {
  readonly bold: (s: string) => string;
  readonly dim: (s: string) => string;
  readonly red: (s: string) => string;
  readonly yellow: (s: string) => string;
  readonly green: (s: string) => string;
}

export function colourEnabled(stream: OutStream, env: Readonly<Record<string, string | undefined>>): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true;
}

const sgr = (open: number, close: number) => (s: string) => `\u001b[${open}m${s}\u001b[${close}m`;
const plain = (s: string) => s;

export function paletteFor(stream: OutStream, env: Readonly<Record<string, string | undefined>>): Palette {
  if (!colourEnabled(stream, env)) return { bold: plain, dim: plain, red: plain, yellow: plain, green: plain };
  return { bold: sgr(1, 22), dim: sgr(2, 22), red: sgr(31, 39), yellow: sgr(33, 39), green: sgr(32, 39) };
}
