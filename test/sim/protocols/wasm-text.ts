/**
 * A small assembler for the gossip merge kernel's text form (src/sim/protocols/gossip/
 * merge-kernel.ts's header): one exported function, the subset of instructions it uses,
 * encoded as the WebAssembly core and SIMD specifications say (opcodes, LEB128
 * immediates, memargs with the natural alignment). The kernel test assembles the header
 * again and compares the bytes; scripts can print the bytes after a change to the text.
 */

/** Type codes of value types. */
const TYPE: Record<string, number> = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b };

/** Scalar instructions without immediates (and the structured ones with an empty block type). */
const PLAIN: Record<string, number[]> = {
  'i32.add': [0x6a], 'i32.sub': [0x6b], 'i32.mul': [0x6c], 'i32.shl': [0x74], 'i32.shr_u': [0x76], 'i32.and': [0x71], 'i32.or': [0x72],
  'i32.eqz': [0x45], 'i32.eq': [0x46], 'i32.ne': [0x47], 'i32.lt_u': [0x49], 'i32.ge_u': [0x4f],
  'f64.mul': [0xa2], 'f64.min': [0xa4], 'f64.ge': [0x66], 'f64.convert_i32_s': [0xb7], select: [0x1b],
  end: [0x0b], else: [0x05], block: [0x02, 0x40], loop: [0x03, 0x40], if: [0x04, 0x40],
};

/** SIMD instructions without immediates: their opcode after the 0xfd prefix. */
const SIMD: Record<string, number> = {
  'i32x4.splat': 0x11, 'f32x4.splat': 0x13, 'f64x2.splat': 0x14,
  'i32x4.eq': 0x37, 'i32x4.gt_s': 0x3b, 'i32x4.le_u': 0x3e, 'f32x4.ge': 0x46, 'f64x2.eq': 0x47, 'f64x2.gt': 0x4a, 'f64x2.ge': 0x4c,
  'v128.not': 0x4d, 'v128.and': 0x4e, 'v128.andnot': 0x4f, 'v128.or': 0x50, 'v128.bitselect': 0x52, 'v128.any_true': 0x53,
  'f64x2.floor': 0x75, 'i16x8.narrow_i32x4_u': 0x86, 'i16x8.extend_low_i8x16_u': 0x89, 'i32x4.bitmask': 0xa4,
  'i32x4.extend_low_i16x8_u': 0xa9, 'i32x4.add': 0xae, 'i32x4.sub': 0xb1, 'i32x4.mul': 0xb5, 'i32x4.max_s': 0xb8,
  'i64x2.bitmask': 0xc4, 'i64x2.extend_low_i32x4_s': 0xc7, 'i64x2.extend_high_i32x4_s': 0xc8, 'f32x4.mul': 0xe6,
  'f64x2.add': 0xf0, 'f64x2.sub': 0xf1, 'f64x2.mul': 0xf2, 'f64x2.div': 0xf3, 'f64x2.min': 0xf4, 'f32x4.convert_i32x4_s': 0xfa, 'f64x2.convert_low_i32x4_s': 0xfe,
};

/** Memory instructions: opcode bytes and the alignment (log2) of their memarg; an `offset=k` may follow. */
const MEMORY: Record<string, [number[], number]> = {
  'v128.load': [[0xfd, 0x00], 0], 'v128.store': [[0xfd, 0x0b], 0], 'v128.load32_zero': [[0xfd, 0x5c], 0], 'v128.load64_zero': [[0xfd, 0x5d], 0],
  'i32.load': [[0x28], 2], 'i32.load16_u': [[0x2f], 1], 'i32.store': [[0x36], 2], 'i32.store16': [[0x3b], 1],
};

function leb(v: number): number[] {
  const out: number[] = [];
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v) b |= 0x80;
    out.push(b);
  } while (v);
  return out;
}

function sleb(v: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) return [...out, b];
    out.push(b | 0x80);
  }
}

/**
 * Assembles the function `$name` written in `source` as merge-kernel.ts's header prints it
 * (lines prefixed ` * `, the signature on the first three lines, then one instruction or
 * more per line, closed by ` * )`) into a module importing `m.memory` and exporting `name`.
 */
export function assembleKernelText(source: string, name = 'merge'): Uint8Array {
  const start = source.indexOf(` * (func $${name}`);
  const end = source.indexOf('\n * )\n', start);
  if (start < 0 || end < 0) throw new Error(`no function $${name} in the text`);
  const lines = source
    .slice(start, end)
    .split('\n')
    .map((line) => line.replace(/^ \*( |$)/, ''));
  const header = lines.slice(0, 3).join(' ');
  const params = [...header.matchAll(/\(param \$(\w+) (\w+)\)/g)].map((x) => [x[1]!, x[2]!] as const);
  const results = [...header.matchAll(/\(result (\w+)\)/g)].map((x) => x[1]!);
  const locals = [...header.matchAll(/\(local \$(\w+) (\w+)\)/g)].map((x) => [x[1]!, x[2]!] as const);
  const index = new Map([...params, ...locals].map(([local], i) => [local, i]));
  if (index.size !== params.length + locals.length) throw new Error('a parameter or local is declared twice');
  const tokens = lines.slice(3).join(' ').split(/\s+/).filter((t) => t !== '' && t !== ')');
  const code: number[] = [];
  for (let k = 0; k < tokens.length; k++) {
    const op = tokens[k]!;
    const next = () => tokens[++k]!;
    if (op === 'local.get' || op === 'local.set' || op === 'local.tee') {
      const local = next().slice(1);
      if (!index.has(local)) throw new Error(`unknown local $${local}`);
      code.push(op === 'local.get' ? 0x20 : op === 'local.set' ? 0x21 : 0x22, ...leb(index.get(local)!));
    } else if (op === 'i32.const') code.push(0x41, ...sleb(Number(next())));
    else if (op === 'br' || op === 'br_if') code.push(op === 'br' ? 0x0c : 0x0d, ...leb(Number(next())));
    else if (op === 'i8x16.shuffle') code.push(0xfd, 0x0d, ...Array.from({ length: 16 }, () => Number(next())));
    else if (op === 'i32x4.extract_lane') code.push(0xfd, 0x1b, Number(next()));
    else if (op === 'i32x4.replace_lane') code.push(0xfd, 0x1c, Number(next()));
    else if (op === 'f64x2.extract_lane') code.push(0xfd, 0x21, Number(next()));
    else if (op === 'f64.const') code.push(0x44, ...new Uint8Array(new Float64Array([next() === 'inf' ? Infinity : Number(tokens[k])]).buffer));
    else if (op === 'v128.store64_lane') code.push(0xfd, 0x5b, 0, 0, Number(next())); // memarg (align 0, offset 0), lane
    else if (op in MEMORY) {
      const offset = tokens[k + 1]?.startsWith('offset=') ? Number(next().slice(7)) : 0;
      const [bytes, align] = MEMORY[op]!;
      code.push(...bytes, align, ...leb(offset));
    } else if (op in PLAIN) code.push(...PLAIN[op]!);
    else if (op in SIMD) code.push(0xfd, ...leb(SIMD[op]!));
    else throw new Error(`unknown instruction ${op}`);
  }
  code.push(0x0b);
  const vec = (items: number[][]) => [...leb(items.length), ...items.flat()];
  const str = (s: string) => [...leb(s.length), ...Buffer.from(s, 'utf8')];
  const section = (id: number, body: number[]) => [id, ...leb(body.length), ...body];
  const type = [0x60, ...vec(params.map(([, t]) => [TYPE[t]!])), ...vec(results.map((t) => [TYPE[t]!]))];
  const body = [...vec(locals.map(([, t]) => [1, TYPE[t]!])), ...code];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec([type])),
    ...section(2, vec([[...str('m'), ...str('memory'), 0x02, 0x00, 1]])),
    ...section(3, vec([[0]])),
    ...section(7, vec([[...str(name), 0x00, 0]])),
    ...section(10, vec([[...leb(body.length), ...body]])),
  ]);
}

/** The bytes as merge-kernel.ts writes them: 20 a line, two-digit hex. */
export function formatBytes(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let k = 0; k < bytes.length; k += 20) {
    lines.push('  ' + [...bytes.subarray(k, k + 20)].map((b) => `0x${b.toString(16).padStart(2, '0')},`).join(' '));
  }
  return lines.join('\n');
}
