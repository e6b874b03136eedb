import type { RequestKind } from './classify.js';
import type { ReplyBlock } from './reply-plan.js';
import type { Scenario } from './scenario.js';

/** One request the server saw under `/r/<route>`, kept for debugging and tests. */
export interface RecordedRequest {
  /** Sequence number across the whole server, from 1. */
  seq: number;
  at: string;
  method: string;
  /** The URL as received, with query. */
  url: string;
  kind: RequestKind;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body, when there was one. */
  body?: unknown;
  stream?: boolean;
  model?: string;
  /** For `main` requests: the scenario turn served (undefined once the scenario is exhausted). */
  turnIndex?: number;
  /** What the server answered with (messages requests only). */
  reply?: { content: ReplyBlock[]; stopReason: string };
}

/** Scenarios by route and what each route received; recordings are capped per route. */
export class RouteStore {
  private readonly scenarios = new Map<string, Scenario>();
  private readonly recorded = new Map<string, RecordedRequest[]>();
  private seq = 0;

  constructor(private readonly maxRecordedPerRoute = 500) {}

  set(route: string, scenario: Scenario): void {
    this.scenarios.set(route, scenario);
  }

  get(route: string): Scenario | undefined {
    return this.scenarios.get(route);
  }

  delete(route: string): boolean {
    this.recorded.delete(route);
    return this.scenarios.delete(route);
  }

  routes(): string[] {
    return [...this.scenarios.keys()].sort();
  }

  nextSeq(): number {
    this.seq += 1;
    return this.seq;
  }

  record(route: string, request: RecordedRequest): void {
    const list = this.recorded.get(route) ?? [];
    list.push(request);
    if (list.length > this.maxRecordedPerRoute) list.splice(0, list.length - this.maxRecordedPerRoute);
    this.recorded.set(route, list);
  }

  requests(route: string): RecordedRequest[] {
    return [...(this.recorded.get(route) ?? [])];
  }
}
