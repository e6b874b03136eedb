import { setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import type { AgentState, Phase, ResolvedTaskInput, TaskState } from '../domain/task.js';
import { DroverAgentStateKey, DroverCliKey, DroverPhaseKey, DroverRepoKey, DroverTaskIdKey } from '../domain/search-attribute-keys.js';

const MAX_EVENTS = 60;

export function initialState(input: ResolvedTaskInput): TaskState {
  return {
    taskId: input.taskId,
    phase: 'placing',
    agentState: 'none',
    agent: input.agent.split(',')[0]!.trim(),
    agentChain: input.agent.split(',').map((a) => a.trim()),
    handoffs: [],
    repo: input.repo,
    branch: input.branch,
    steps: input.steps,
    checkpoints: [],
    doneReported: false,
    revisions: 0,
    nudges: 0,
    crashes: 0,
    dialogs: [],
    paused: false,
    lastDecision: 'task accepted',
    lastVerification: [],
    ...(input.pr ? { pr: input.pr } : {}),
    threadReports: [],
    answeredThreads: [],
    summaries: [],
    screenTail: [],
    startedAt: new Date().toISOString(),
    events: [],
  };
}

/**
 * The workflow's view of its task: every change goes through here so the `state` query,
 * the search attributes and the Web UI's current details never disagree.
 */
export class TaskRecord {
  constructor(readonly s: TaskState) {
    this.publish(true);
  }

  decide(what: string): void {
    this.s.lastDecision = what;
    this.s.events.push({ at: new Date().toISOString(), what });
    if (this.s.events.length > MAX_EVENTS) this.s.events.splice(0, this.s.events.length - MAX_EVENTS);
    this.publish(false);
  }

  phase(phase: Phase, why?: string): void {
    const changed = this.s.phase !== phase;
    this.s.phase = phase;
    if (why) this.decide(why);
    if (changed) this.publish(true);
  }

  agentState(state: AgentState): void {
    if (this.s.agentState === state) return;
    this.s.agentState = state;
    this.publish(true);
  }

  tail(lines: string[]): void {
    this.s.screenTail = lines;
    this.publish(false);
  }

  private publish(searchAttributes: boolean): void {
    if (searchAttributes) {
      upsertSearchAttributes([
        { key: DroverTaskIdKey, value: this.s.taskId },
        { key: DroverRepoKey, value: this.s.repo },
        { key: DroverPhaseKey, value: this.s.phase },
        { key: DroverAgentStateKey, value: this.s.agentState },
        { key: DroverCliKey, value: this.s.agent },
      ]);
    }
    const tail = this.s.screenTail.slice(-8).join('\n');
    setCurrentDetails(
      `**${this.s.phase}** · agent ${this.s.agentState} · checkpoints ${this.s.checkpoints.join(', ') || '—'} / ${this.s.steps.join(', ') || '—'}\n\n` +
        `last decision: ${this.s.lastDecision}\n\n\`\`\`\n${tail}\n\`\`\``,
    );
  }
}
