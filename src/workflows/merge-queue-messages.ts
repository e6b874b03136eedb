import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { MergeQueueState } from '../domain/merge-queue.js';
import type { MergeOutcome, MergeRequest } from '../domain/pr-pipeline.js';

/** To the queue: a PR to merge (sent with signalWithStart by the `requestMerge` activity). */
export const mergeRequestSignal = defineSignal<[MergeRequest]>('mergeRequest');
/** To the queue: try a refused PR again at the same head (`drover merge --retry`). */
export const mergeRetrySignal = defineSignal<[number]>('mergeRetry');
/** To the queue: drop a waiting PR (its task was aborted or the PR closed). */
export const mergeWithdrawSignal = defineSignal<[{ number: number; reason: string }]>('mergeWithdraw');
/** The queue's state: waiting, current step, refused and merged PRs, recent outcomes. */
export const mergeQueueStateQuery = defineQuery<MergeQueueState>('mergeQueueState');
/** From the queue to the requesting workflow (`MergeRequest.replyTo`). */
export const mergeOutcomeSignal = defineSignal<[MergeOutcome]>('mergeOutcome');
