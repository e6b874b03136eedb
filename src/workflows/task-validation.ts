import { ActivityFailure, isCancellation } from '@temporalio/workflow';
import { joinCommand } from '../domain/argv.js';
import type { ValidateSpec, ValidationRecord } from '../domain/task.js';
import type { ValidationResult } from '../activities/validate.js';
import { validationActivities } from './activity-proxies.js';
import type { SlotUse, TestSlotClient } from './slot-client.js';
import type { TaskRecord } from './task-record.js';

/** Lines of the output tail the agent gets in its re-brief. */
const REBRIEF_LINES = 25;

type Ran = { ok: true; result: ValidationResult } | { ok: false; error: string };

/**
 * The validation step of verify (docs/design.md §2): run the task's command on its host while holding
 * the test slot, record the run in `validations`, and return the reasons it failed (empty: passed).
 */
export async function validateUnderSlot(args: {
  spec: ValidateSpec;
  rec: TaskRecord;
  slots: TestSlotClient;
  stop: () => boolean;
}): Promise<string[]> {
  const { spec, rec, slots } = args;
  const task = rec.state;
  const hostQueue = task.hostQueue ?? `drover@${task.host}`;
  const shown = joinCommand(spec.argv);
  rec.decide(`waiting for test slot ${spec.slot} to run \`${shown}\``);
  const use = await slots.withSlot<Ran>(
    {
      slot: spec.slot,
      leaseSeconds: spec.leaseSeconds,
      waitSeconds: spec.waitSeconds,
      owner: { hostQueue, taskId: task.taskId },
      stop: args.stop,
    },
    async (grant) => {
      rec.decide(`test slot ${spec.slot} granted until ${grant.leaseDeadline}: running \`${shown}\``);
      try {
        const result = await validationActivities(hostQueue, spec.timeoutSeconds).runValidation({
          worktree: task.worktree!,
          argv: spec.argv,
          timeoutSeconds: spec.timeoutSeconds,
          taskId: task.taskId,
        });
        return { ok: true, result };
      } catch (error) {
        if (isCancellation(error)) throw error;
        const cause = error instanceof ActivityFailure ? (error.cause?.message ?? error.message) : String(error);
        return { ok: false, error: cause };
      }
    },
  );
  const record: ValidationRecord = {
    slot: spec.slot,
    requestId: use.requestId,
    requestedAt: use.requestedAt,
    outcome: 'aborted',
  };
  if ('grant' in use && use.grant) record.grantedAt = use.grant.grantedAt;
  const reasons = judgeRun(use, spec, shown, record);
  rec.validated(record);
  rec.decide(
    `validation \`${shown}\` ${record.outcome}${record.exitCode !== undefined ? ` (exit ${record.exitCode})` : ''} on test slot ${spec.slot}`,
  );
  return reasons;
}

/** Fills in the record from how the run went and returns the reasons it failed (empty: passed). */
function judgeRun(use: SlotUse<Ran>, spec: ValidateSpec, shown: string, record: ValidationRecord): string[] {
  const reasons: string[] = [];
  if (use.outcome === 'ran' && use.value.ok) {
    const r = use.value.result;
    Object.assign(record, {
      startedAt: r.startedAt,
      finishedAt: r.finishedAt,
      exitCode: r.exitCode,
      timedOut: r.timedOut,
      outputTail: r.outputTail,
    });
    const tail = r.outputTail.slice(-REBRIEF_LINES).join('\n');
    if (r.timedOut) {
      record.outcome = 'timed-out';
      reasons.push(`validation \`${shown}\` timed out after ${spec.timeoutSeconds}s; last lines:\n${tail}`);
    } else if (r.exitCode !== 0) {
      record.outcome = 'failed';
      reasons.push(`validation \`${shown}\` exited ${r.exitCode ?? 'by a signal'}; last lines:\n${tail}`);
    } else {
      record.outcome = 'passed';
    }
  } else if (use.outcome === 'ran' && !use.value.ok) {
    record.outcome = 'failed';
    reasons.push(`validation \`${shown}\` could not run: ${use.value.error}`);
  } else if (use.outcome === 'revoked') {
    record.outcome = 'revoked';
    reasons.push(
      `validation \`${shown}\` was stopped: test slot ${spec.slot} revoked the grant (${use.reason}); make it finish within ${spec.timeoutSeconds}s`,
    );
  } else if (use.outcome === 'no-slot') {
    record.outcome = 'no-slot';
    reasons.push(`validation \`${shown}\` did not run: ${use.reason}`);
  }
  return reasons;
}
