/**
 * What a rehearsal scenario asks of one agent of a task, read from the not yet validated value the
 * task carries (the worker runs no zod here): the scripted model server validates the rest.
 */

/** Whether a (not yet validated) scenario asks `agent` to crash on every start. */
export function crashesOnStart(scenario: unknown, agent: string): boolean {
  if (typeof scenario !== 'object' || scenario === null || !('crashOnStart' in scenario)) return false;
  const list = scenario.crashOnStart;
  return Array.isArray(list) && list.includes(agent);
}

/** Whether a (not yet validated) scenario asks `agent` to crash on every relaunch after its first start. */
export function crashesOnRestart(scenario: unknown, agent: string): boolean {
  if (typeof scenario !== 'object' || scenario === null || !('crashOnRestart' in scenario)) return false;
  const list = scenario.crashOnRestart;
  return Array.isArray(list) && list.includes(agent);
}

/** The scenario one agent of a chain is served: its own `agents.<name>.turns` when given. */
export function scenarioFor(scenario: unknown, agent: string): unknown {
  if (typeof scenario !== 'object' || scenario === null || !('agents' in scenario)) return scenario;
  const own = (scenario.agents as Record<string, { turns: unknown[] }> | undefined)?.[agent];
  return own ? { ...scenario, turns: own.turns } : scenario;
}
