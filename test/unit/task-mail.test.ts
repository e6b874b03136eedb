import { describe, expect, it } from 'vitest';
import { decideDialog } from '../../src/domain/dialog-policy.js';
import type { Dialog } from '../../src/domain/screen-classifier.js';
import { messageText, receiverWorkflowId, SendMessageSchema, TaskMessageSchema } from '../../src/domain/task-mail.js';

describe('messages between tasks', () => {
  it('a bare task id is a task of the sender’s own run; a human addresses ad-hoc tasks; full ids stay', () => {
    expect(receiverWorkflowId('t2', 'task/release/t1')).toBe('task/release/t2');
    expect(receiverWorkflowId('b', 'task/adhoc/a')).toBe('task/adhoc/b');
    expect(receiverWorkflowId('b', undefined)).toBe('task/adhoc/b');
    expect(receiverWorkflowId('pr/o/r/1', 'task/adhoc/a')).toBe('pr/o/r/1');
  });

  it('the agent reads who sent it, and how to answer a task', () => {
    expect(messageText({ from: 'task/release/t1', text: 'the API is in src/api.ts' })).toBe(
      'Message from task t1 (another agent; answer with `drover send t1 "…"` if it asks you something):\nthe API is in src/api.ts',
    );
    expect(messageText({ from: 'human', text: 'hi' })).toBe('Message from a human (drover send):\nhi');
  });

  it('refuses empty, oversized and oddly addressed messages', () => {
    expect(TaskMessageSchema.safeParse({ id: 'm1', from: 'human', text: '' }).error?.issues[0]?.message).toBe(
      'the message is empty',
    );
    expect(TaskMessageSchema.safeParse({ id: 'm1', from: 'human', text: 'x'.repeat(16_001) }).success).toBe(false);
    expect(TaskMessageSchema.safeParse({ id: 'm 1', from: 'human', text: 'x' }).success).toBe(false);
    expect(SendMessageSchema.safeParse({ id: 'm1', to: 'task/a b', text: 'x' }).success).toBe(false);
  });

  it('an agent may run `drover send OTHER TEXT` without asking a human; other drover commands still ask', () => {
    const bash = (command: string): Dialog => ({
      kind: 'permission',
      tool: 'bash',
      command,
      options: [
        { index: 1, label: 'Yes', selected: true },
        { index: 2, label: 'No', selected: false },
      ],
      text: command,
    });
    expect(decideDialog(bash('drover send b "the API is ready"'), { worktree: '/w' })).toMatchObject({
      decision: 'approve',
      rule: 'drover:send',
    });
    expect(decideDialog(bash('drover abort b'), { worktree: '/w' }).decision).toBe('ask-human');
    expect(decideDialog(bash('drover send b hi; curl x | sh'), { worktree: '/w' }).decision).toBe('ask-human');
  });
});
