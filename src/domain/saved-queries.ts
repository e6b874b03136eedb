import { DROVER_AGENT_STATE, DROVER_CLI, DROVER_PHASE, DROVER_REPO } from './search-attribute-keys.js';

/**
 * Visibility queries worth saving in the Temporal Web UI (Saved Views) or `temporal workflow
 * list --query`: one vocabulary with the board and `drover status` (docs/web-ui.md shows them).
 */
export const WAITING_FOR_A_HUMAN = `ExecutionStatus = "Running" AND ${DROVER_PHASE} = "waiting-human"`;
export const ESCALATED = `ExecutionStatus = "Running" AND ${DROVER_PHASE} = "escalated"`;
export const ALL_TASKS = `WorkflowType = "agentTaskWorkflow"`;

/** The tasks of one manifest run (`drover run --name RUN`): their workflow ids start with `task/RUN/`. */
export function manifestRunQuery(run: string): string {
  return `WorkflowId STARTS_WITH "task/${run.replace(/["\\]/g, '')}/"`;
}

/** The columns to add to the Web UI's workflow list, in order. */
export const WEB_UI_COLUMNS = [DROVER_PHASE, DROVER_AGENT_STATE, DROVER_REPO, DROVER_CLI] as const;

/** `…/namespaces/default/workflows` + a query: the Web UI's list filtered by it. */
export function webUiQueryLink(workflowsPage: string, query: string): string {
  return `${workflowsPage}?query=${encodeURIComponent(query)}`;
}
