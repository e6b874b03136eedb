export { agentTaskWorkflow } from './agent-task.js';
export { manifestWorkflow } from './manifest.js';
