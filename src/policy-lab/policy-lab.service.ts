import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { policyHash } from '../domain/policy/policy-hash';
import type { LoadedPolicy } from '../domain/policy/policy.types';
import { EVENT_STORE, type EventStore } from '../ledger/event-store.port';
import { validatePolicyDocument } from '../policies/policy-validation';
import { CLOCK, type Clock } from '../shared/clock';
import {
  InvalidCandidatePolicyError,
  ReplayLimitReachedError,
  ReplayNotFoundError,
} from './policy-lab.errors';
import { PolicyReplay, type ReplayFilter, type ReplayReport } from './replay';
import { type ReplayProgress, runReplay } from './replay-runner';
import { replayWorkers, runParallelReplay } from './parallel-replay';
import type { AppConfig } from '../platform/config/config';
import { APP_CONFIG } from '../platform/config/tokens';

/** From this ledger size on, a replay runs on worker threads (their start costs about a second). */
const PARALLEL_FROM_POSITION = 200_000;

/** Replays run at once (each reads the whole log); more answer 409 `replay_limit_reached`. */
const MAX_RUNNING = 2;
/** Reports kept (the most recent); an older one is run again on request (the same inputs give the same report). */
const MAX_KEPT = 20;

export interface ReplayRequest {
  readonly policy: unknown;
  readonly filter: ReplayFilter;
  /** Read the log to this position (default: its head when the replay starts). */
  readonly atPosition?: number;
}

export interface ReplayView {
  readonly replayId: string;
  readonly status: 'running' | 'done' | 'failed';
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly progress: ReplayProgress;
  /** The report: partial while running (what was read so far), complete when done. */
  readonly report: ReplayReport;
  /** Why it failed (a class, never data). */
  readonly error: string | null;
}

interface Job {
  readonly id: string;
  readonly candidate: LoadedPolicy;
  readonly filter: ReplayFilter;
  /** The single-threaded replay (its report is the partial one while running); unused by a parallel run. */
  readonly replay: PolicyReplay;
  readonly startedAt: string;
  readonly controller: AbortController;
  status: ReplayView['status'];
  finishedAt: string | null;
  progress: ReplayProgress;
  report: ReplayReport | undefined;
  error: string | null;
}

/**
 * The policy lab's what-if replays as background jobs: a candidate policy validated like any policy, then every
 * recorded evaluation of the log (to the head when it starts, or a position given) evaluated again under it
 * (`PolicyReplay`). Never writes an event; never decrypts personal data. Reports are kept in memory, the most
 * recent `MAX_KEPT`: a report is a pure function of the candidate, the range and the position, so one lost with a
 * restart is the same when run again.
 */
@Injectable()
export class PolicyLabService implements OnApplicationShutdown {
  private readonly logger = new Logger('PolicyLab');
  private readonly jobs = new Map<string, Job>();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Validates the candidate (422 `invalid_policy` naming each field) and starts its replay. */
  async start(request: ReplayRequest): Promise<{ replayId: string; readTo: number }> {
    const candidate = candidatePolicy(request.policy);
    const running = [...this.jobs.values()].filter((job) => job.status === 'running').length;
    if (running >= MAX_RUNNING) throw new ReplayLimitReachedError(running);
    const head = await this.store.headPosition();
    const readTo = Math.min(request.atPosition ?? head, head);
    const job: Job = {
      id: randomUUID(),
      candidate,
      filter: request.filter,
      replay: new PolicyReplay(candidate, request.filter),
      startedAt: this.clock.now().toISOString(),
      controller: new AbortController(),
      status: 'running',
      finishedAt: null,
      progress: { position: 0, readTo, eventsRead: 0, decisionsEvaluated: 0 },
      report: undefined,
      error: null,
    };
    this.jobs.set(job.id, job);
    this.forgetOldest();
    void this.run(job, readTo);
    return { replayId: job.id, readTo };
  }

  view(replayId: string): ReplayView {
    const job = this.jobs.get(replayId);
    if (job === undefined) throw new ReplayNotFoundError();
    return {
      replayId: job.id,
      status: job.status,
      startedAt: job.startedAt,
      finishedAt: job.finishedAt,
      progress: job.progress,
      report: job.report ?? job.replay.report(),
      error: job.error,
    };
  }

  onApplicationShutdown(): void {
    for (const job of this.jobs.values()) job.controller.abort();
  }

  private async run(job: Job, readTo: number): Promise<void> {
    const options = {
      signal: job.controller.signal,
      progress: (progress: ReplayProgress) => {
        job.progress = progress;
      },
    };
    try {
      // A large log is split over worker threads by session; a small one is faster in this thread.
      const workers = readTo >= PARALLEL_FROM_POSITION ? replayWorkers() : 1;
      job.report =
        workers > 1
          ? await runParallelReplay(this.config, job.candidate, job.filter, readTo, { ...options, workers })
          : await runReplay(this.store, job.replay, readTo, options);
      job.status = 'done';
    } catch (error) {
      job.status = 'failed';
      job.error = error instanceof Error ? error.name : 'Error';
      this.logger.warn(`replay ${job.id} failed: ${job.error}`);
    } finally {
      job.finishedAt = this.clock.now().toISOString();
    }
  }

  private forgetOldest(): void {
    for (const [id, job] of this.jobs) {
      if (this.jobs.size <= MAX_KEPT) return;
      if (job.status !== 'running') this.jobs.delete(id);
    }
  }
}

/** The candidate policy document, validated like a policy file (422 naming each problem), and hashed. */
export function candidatePolicy(document: unknown, source = 'candidate'): LoadedPolicy {
  const result = validatePolicyDocument(document, source);
  if (!result.ok) throw new InvalidCandidatePolicyError(result.problems);
  return { document: result.document, hash: policyHash(result.document), source };
}
