import { z } from 'zod';
const name = z.string().regex(/^[a-z][a-z0-9-]*$/, { error: 'expected a name' });
const U = z.union([z.int().min(1), z.array(name).min(1)], { error: (iss) => iss.code === 'invalid_union' ? 'expected count or list' : undefined });
const U2 = z.union([z.int().min(1), z.array(name).min(1)]);
for (const v of [5, 0, ['a', 'B'], 'x', [], 1.5]) {
  const r = U.safeParse(v); const r2 = U2.safeParse(v);
  console.log(JSON.stringify(v), r.success ? 'ok' : JSON.stringify(r.error.issues), '|||', r2.success ? 'ok' : JSON.stringify(r2.error.issues));
}
const C = z.codec(z.unknown(), z.number(), { decode: (v, ctx) => { ctx.issues.push({ code: 'custom', message: 'inner', input: v, path: [1, 'x'] }); return 0; }, encode: (n) => n });
console.log(JSON.stringify(z.object({ a: C }).safeParse({ a: 1 }).error?.issues));
console.log(JSON.stringify(z.object({ a: C }).safeParse({ }).error?.issues));
// refinement after child failure?
const R = z.object({ a: z.number(), b: z.number() }).superRefine((v, ctx) => { ctx.addIssue({ code: 'custom', message: 'cross', path: ['b'] }); });
console.log(JSON.stringify(R.safeParse({ a: 'x', b: 1 }).error?.issues));
// per-parse error map
const P = z.object({ a: z.number().min(3), b: z.string({ error: 'my b' }) });
console.log(JSON.stringify(P.safeParse({ a: 1, b: 2 }, { error: (iss) => `PARSE ${iss.code}` }).error?.issues));
// array of objects and unknown keys inside array items
console.log(JSON.stringify(z.array(z.strictObject({ crash: z.strictObject({ at: z.string() }).optional() })).safeParse([{ crash: { at: 'x', bad: 1 } }, { crsh: {} }]).error?.issues));
