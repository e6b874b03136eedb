/**
 * Libraries loaded once per workflow thread and shared by every cached workflow
 * (bundle-build.ts passes this file as the bundler's `preloadModules`). Without it each cached
 * workflow instantiates its own copy of every module it imports (the SDK's reusable V8 context
 * keeps a module cache per workflow): zod alone is hundreds of constructors and prototypes,
 * ~140-165 MB of the worker's RSS at 100 agents (docs/scale.md item 11).
 *
 * Only stateless libraries belong here: once this file ran, the SDK deep-freezes everything the
 * shared modules export and every global they set. Two consequences for zod:
 * - zod fills shared state lazily: its global config (messages, the container memoizer) on the
 *   first schema it builds, and whether `new Function` works (`util.allowsEval`) on the first
 *   object schema. Done after the freeze, each throws in the workflow ("Cannot add property
 *   localeError, object is not extensible"). All are settled here, before the freeze; the replay
 *   test (test/workflows/replay.test.ts) runs the bundle under the SDK's freeze and fails if one
 *   is missed.
 * - zod's built-in format regexes (`z.email()`, `z.ipv4()`, …) are shared constants, frozen too:
 *   their check resets `lastIndex` and throws on a frozen RegExp. Schemas that workflows parse
 *   must not use them (a pattern of their own, `z.string().regex(/…/)`, is built per workflow
 *   and is fine). Drover's own modules stay per workflow.
 */
import { z } from 'zod';

// jitless: no parser compiled from strings per cached workflow (memory; workflows parse little)
z.config({ ...z.locales.en(), memoizer: z.memoizer(), jitless: true });
// every schema kind workflows use, built and parsed (valid and not) once, so nothing shared is left to fill in later
const warmUp = z.object({
  kind: z.discriminatedUnion('k', [
    z.object({ k: z.literal('a'), n: z.number().int().min(0) }),
    z.object({ k: z.literal('b') }),
  ]),
  names: z
    .array(
      z
        .string()
        .min(1)
        .regex(/^[a-z]+$/),
    )
    .optional(),
  by: z.record(z.string(), z.enum(['x', 'y'])).default({}),
  loose: z.looseObject({ at: z.string().nullable() }),
});
warmUp.safeParse({ kind: { k: 'a', n: 1 }, names: ['ok'], loose: { at: null } });
warmUp.safeParse({ kind: { k: 'c' }, names: [''], by: { q: 'z' }, loose: 1 });

export { z };
