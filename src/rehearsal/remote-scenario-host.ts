import type { ScenarioHost } from '../activities/deps.js';

/**
 * A scripted model server in another process (e.g. one shared by several workers, or one
 * that must outlive a worker that is killed in a test): scenarios are registered over its
 * control API.
 */
export function remoteScenarioHost(url: string): ScenarioHost {
  const base = url.replace(/\/$/, '');
  return {
    url: base,
    async setScenario(route: string, scenario: unknown): Promise<void> {
      const res = await fetch(`${base}/_control/routes/${encodeURIComponent(route)}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(scenario),
      });
      if (!res.ok) throw new Error(`model server refused the scenario for ${route}: ${res.status} ${await res.text()}`);
    },
  };
}
