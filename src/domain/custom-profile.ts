import { z } from 'zod';
import { AgentProfileSchema, type AgentProfile } from './agent-profile.js';

const regexSource = z
  .string()
  .min(1)
  .max(300)
  .refine(
    (src) => {
      try {
        new RegExp(src, 'u');
        return true;
      } catch {
        return false;
      }
    },
    { error: 'must be a valid regular expression' },
  );

/**
 * A custom agent CLI from the config file (`agents: [...]`): a built-in profile to start from,
 * the command and arguments to run, and the screen markers that differ. Validated with zod,
 * then checked once more as a whole profile.
 */
export const CustomAgentSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,31}$/, { error: 'an agent name is 1-32 of [a-z0-9-], starting with a letter' }),
  /** The built-in profile whose screen rules and dialogs this agent shares. */
  extends: z.string().default('claude'),
  command: z.string().min(1),
  args: z.array(z.string()).optional(),
  newSessionArgs: z.array(z.string()).optional(),
  resumeArgs: z.array(z.string()).optional(),
  modelArgs: z.array(z.string()).optional(),
  markers: z
    .strictObject({
      checkpointPrefix: z.string().min(1).optional(),
      doneMarker: z.string().min(1).optional(),
      promptMarkers: z.array(z.string().min(1)).min(1).optional(),
      workingPatterns: z.array(regexSource).optional(),
      crashedPatterns: z.array(regexSource).optional(),
    })
    .optional(),
});
export type CustomAgent = z.infer<typeof CustomAgentSchema>;

/** The full profile of a custom agent, or an error naming what is wrong. */
export function customProfile(
  custom: CustomAgent,
  builtins: ReadonlyMap<string, AgentProfile>,
): { ok: true; profile: AgentProfile } | { ok: false; error: string } {
  if (builtins.has(custom.name))
    return { ok: false, error: `agents: "${custom.name}" is a built-in agent; give the custom one another name` };
  const base = builtins.get(custom.extends);
  if (!base)
    return {
      ok: false,
      error: `agents.${custom.name}.extends: unknown built-in "${custom.extends}"; known: ${[...builtins.keys()].join(', ')}`,
    };
  const parsed = AgentProfileSchema.safeParse({
    ...base,
    name: custom.name,
    command: custom.command,
    launch: {
      baseArgs: custom.args ?? base.launch.baseArgs,
      newSessionArgs: custom.newSessionArgs ?? base.launch.newSessionArgs,
      resumeArgs: custom.resumeArgs ?? base.launch.resumeArgs,
      modelArgs: custom.modelArgs ?? base.launch.modelArgs,
    },
    screen: { ...base.screen, ...(custom.markers ?? {}) },
  });
  if (!parsed.success)
    return {
      ok: false,
      error: `agents.${custom.name}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    };
  return { ok: true, profile: parsed.data };
}
