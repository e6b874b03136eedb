import { ApplicationFailure, getExternalWorkflowHandle, setHandler, workflowInfo } from '@temporalio/workflow';
import { messageText, SendMessageSchema, TaskMessageSchema } from '../domain/task-mail.js';
import { messageSignal, sendMessageUpdate } from './task-messages.js';
import type { TaskInbox } from './task-inbox.js';
import type { TaskRecord } from './task-record.js';
import type { TaskSession } from './task-session.js';

/**
 * Messages between tasks (docs/tasks.md "Messages"). Received: recorded, queued for the agent
 * once per message id (a retried send is not delivered twice), prefixed with the sender.
 * Sent (the agent ran `drover send`): forwarded to the other task by a signal from this
 * workflow, so it is in both histories and Temporal delivers it exactly once; an unknown or
 * finished receiver fails the update with the reason.
 */
export function registerMail(parts: { record: TaskRecord; session: TaskSession; inbox: TaskInbox }): void {
  const { record, session, inbox } = parts;
  setHandler(messageSignal, (raw) => {
    const parsed = TaskMessageSchema.safeParse(raw);
    if (!parsed.success) {
      record.decide(`message refused: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
      return;
    }
    const m = parsed.data;
    if (record.state.messages?.some((x) => x.direction === 'received' && x.id === m.id)) {
      record.decide(`message ${m.id} from ${m.from} arrived again: delivered once already`);
      return;
    }
    record.message({ direction: 'received', peer: m.from, id: m.id, text: m.text });
    record.decide(`message ${m.id} from ${m.from} queued for the agent`);
    session.queue({ kind: 'message', text: messageText(m) });
    inbox.wake += 1;
  });
  setHandler(
    sendMessageUpdate,
    async (raw) => {
      const m = SendMessageSchema.parse(raw);
      const from = workflowInfo().workflowId;
      try {
        await getExternalWorkflowHandle(m.to).signal(messageSignal, { id: m.id, from, text: m.text });
      } catch (error) {
        const why = error instanceof Error ? error.message : String(error);
        record.decide(`message ${m.id} to ${m.to} not delivered: ${why}`);
        throw ApplicationFailure.nonRetryable(`${m.to} did not take the message (it is not running): ${why}`);
      }
      record.message({ direction: 'sent', peer: m.to, id: m.id, text: m.text });
      record.decide(`message ${m.id} sent to ${m.to}`);
      return `message ${m.id} delivered to ${m.to}`;
    },
    {
      validator: (raw) => {
        const m = SendMessageSchema.parse(raw);
        if (m.to === workflowInfo().workflowId) throw new Error('a task cannot send a message to itself');
      },
    },
  );
}
