import path from 'node:path';
import { overBudget, type Usage } from '../domain/usage.js';
import type { WatchInput } from '../domain/watch.js';
import { readClaudeUsage } from '../host/agent-home/claude-usage.js';

const USAGE_READ_MS = 2000;

/**
 * The watch's reading of the agent's token usage (claude's transcripts in the task's HOME), at
 * most every 2 s and never two reads at once: `latest` goes into the event the watch returns, and
 * `onOver` is called with the figures once the budget is reached.
 */
export class UsageWatch {
  latest: Usage | undefined;
  private lastRead = 0;
  private reading = false;
  private readonly home: string | undefined;

  constructor(
    droverHome: string,
    private readonly input: WatchInput,
  ) {
    const wanted = input.usage !== undefined && input.agent === 'claude';
    this.home = wanted ? path.join(droverHome, 'homes', input.usage!.taskId) : undefined;
  }

  tick(now: number, onOver: (reason: string) => void): void {
    if (this.home === undefined || this.reading || now - this.lastRead < USAGE_READ_MS) return;
    this.reading = true;
    this.lastRead = now;
    readClaudeUsage(this.home)
      .then((usage) => {
        this.latest = usage;
        const why = overBudget(usage, this.input.usage?.budget);
        if (why !== undefined) onOver(why);
      })
      .catch(() => undefined)
      .finally(() => {
        this.reading = false;
      });
  }
}
