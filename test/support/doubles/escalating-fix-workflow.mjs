/**
 * TEST DOUBLE of the fix workflow (agentTaskWorkflow) for the monitor's attempt-ledger test: it
 * ends at once as escalated on the PR's head, as a fix whose agent a human never answered would.
 * Only the monitor's decisions are under test there; the real fix workflow is tested elsewhere.
 */
export async function agentTaskWorkflow(input) {
  return { taskId: input.taskId, state: 'escalated', reason: 'test double: escalated', revisions: 0, checkpoints: [] };
}
