import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Names of Drover's custom search attributes (all Keyword), as registered on the server. */
export const DROVER_TASK_ID = 'DroverTaskId';
export const DROVER_REPO = 'DroverRepo';
export const DROVER_PHASE = 'DroverPhase';
export const DROVER_AGENT_STATE = 'DroverAgentState';
export const DROVER_CLI = 'DroverCli';

export const DROVER_SEARCH_ATTRIBUTE_NAMES = [
  DROVER_TASK_ID,
  DROVER_REPO,
  DROVER_PHASE,
  DROVER_AGENT_STATE,
  DROVER_CLI,
] as const;

export type DroverSearchAttributeName = (typeof DROVER_SEARCH_ATTRIBUTE_NAMES)[number];

/** Typed keys for `upsertSearchAttributes` / `typedSearchAttributes` in workflow code. */
export const DroverTaskIdKey = defineSearchAttributeKey(DROVER_TASK_ID, SearchAttributeType.KEYWORD);
export const DroverRepoKey = defineSearchAttributeKey(DROVER_REPO, SearchAttributeType.KEYWORD);
export const DroverPhaseKey = defineSearchAttributeKey(DROVER_PHASE, SearchAttributeType.KEYWORD);
export const DroverAgentStateKey = defineSearchAttributeKey(DROVER_AGENT_STATE, SearchAttributeType.KEYWORD);
export const DroverCliKey = defineSearchAttributeKey(DROVER_CLI, SearchAttributeType.KEYWORD);

export const DROVER_SEARCH_ATTRIBUTE_KEYS = [
  DroverTaskIdKey,
  DroverRepoKey,
  DroverPhaseKey,
  DroverAgentStateKey,
  DroverCliKey,
] as const;
