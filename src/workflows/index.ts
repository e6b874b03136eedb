export { agentTaskWorkflow } from './agent-task.js';
export { manifestWorkflow } from './manifest.js';
export { prMonitorWorkflow } from './pr-monitor.js';
export { testSlotWorkflow } from './test-slot.js';
export { hostRegistryWorkflow } from './host-registry.js';
export { mergeQueueWorkflow } from './merge-queue.js';
