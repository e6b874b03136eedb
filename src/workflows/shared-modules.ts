/**
 * Libraries loaded once per workflow thread and shared by every cached workflow
 * (bundle-build.ts passes this file as the bundler's `preloadModules`). Without it each cached
 * workflow instantiates its own copy of every module it imports (the SDK's reusable V8 context
 * keeps a module cache per workflow): zod alone is hundreds of constructors and prototypes.
 * Only stateless libraries belong here: the SDK deep-freezes what they export once this file
 * ran. Drover's own modules stay per workflow.
 */
import { z } from 'zod';

// zod installs its defaults (English messages, the container memoizer) into its global config on
// the first schema it builds; build one here, before the SDK freezes that config.
z.object({ ready: z.string() }).safeParse({});

export { z };
