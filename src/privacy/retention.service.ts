import { Inject, Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { DATA_CLASSES, type DataClass } from '../shared/data-classes';
import type { RetentionRule } from '../domain/policy/policy.types';
import {
  type ResolvedRetentionSafeguards,
  retentionSafeguardsOf,
} from '../domain/policy/retention-safeguards';
import { PolicyRegistry } from '../policies/policy-registry';
import { numberPlaceholders } from '../projections/core/sql-program';
import { CLOCK, type Clock } from '../shared/clock';
import {
  assessClass,
  type ClassFacts,
  type ClassRetention,
  latestDueStart,
  NO_SUBJECT_FACTS,
  type SubjectFacts,
} from './retention';
import { RetentionClassEntity, RetentionSessionEntity, RetentionSubjectEntity } from './retention.entities';

export interface SubjectRetention {
  readonly subjectId: string;
  readonly asOf: string;
  readonly policy: {
    readonly policyId: string;
    readonly version: string;
    readonly hash: string;
    /** The relationship-end safeguards of that policy, defaults filled in. */
    readonly safeguards: ResolvedRetentionSafeguards;
  };
  readonly known: boolean;
  readonly subject: SubjectFacts;
  readonly classes: readonly ClassRetention[];
}

/** A (subject, classes) the scheduler is to shred now. */
export interface DueShred {
  readonly subjectId: string;
  readonly dataClasses: DataClass[];
  /** Position of the latest collection of each class: makes the shred id unique to what it destroys. */
  readonly collectedPositions: number[];
  /** `erasure_request` when an erasure request made it due; `retention_expired` when its period ended. */
  readonly reason: 'erasure_request' | 'retention_expired';
  /**
   * `erasure_covered`: only the data the erasure request covered (its retired keys); `all`: every key of the
   * classes.
   */
  readonly coverage: 'all' | 'erasure_covered';
  /** The erasure request this carries out: the one that made it due, or that restricted it until now. */
  readonly requestId: string | null;
}

type Row = Record<string, unknown>;

/** Where candidates of a class come from: its period's anchor, or an erasure request. */
type CandidateSource = 'relationship_end' | 'collection' | 'decision' | 'erasure';

interface Candidate {
  readonly subjectId: string;
  /** The instant the candidate query orders by (with the subject id). */
  readonly anchor: string;
}

/** How far a scheduler run has read each candidate query, by class and source. */
export type DueCursor = Map<string, Candidate>;

const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/**
 * Reads the retention read model and applies the policy in force: one subject's retention (for the API and the
 * erasure handler) and the shreds that are due (for the scheduler).
 */
@Injectable()
export class RetentionService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly policies: PolicyRegistry,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  private rules(now: Date): {
    rules: Readonly<Record<DataClass, RetentionRule>>;
    policy: SubjectRetention['policy'];
  } {
    const active = this.policies.active(now);
    return {
      rules: active.document.retention,
      policy: {
        policyId: active.document.policyId,
        version: active.document.version,
        hash: active.hash,
        safeguards: retentionSafeguardsOf(active.document),
      },
    };
  }

  async subjectFacts(subjectId: string): Promise<{ facts: SubjectFacts; known: boolean }> {
    const { facts, known } = await this.factsOf([subjectId]);
    return { facts: facts.get(subjectId) ?? NO_SUBJECT_FACTS, known: known.has(subjectId) };
  }

  /** Subject facts of many subjects in three queries; `known` holds those the read model has seen. */
  private async factsOf(
    subjectIds: readonly string[],
  ): Promise<{ facts: Map<string, SubjectFacts>; known: Set<string> }> {
    const ids = [...new Set(subjectIds)];
    const subjects = await this.dataSource
      .getRepository(RetentionSubjectEntity)
      .findBy({ subjectId: In(ids) });
    const decided = await this.dataSource
      .getRepository(RetentionSessionEntity)
      .createQueryBuilder('s')
      .select('s.subject_id', 'subjectId')
      .addSelect('MAX(s.decided_at)', 'last')
      .where('s.subject_id IN (:...ids)', { ids })
      .groupBy('s.subject_id')
      .getRawMany<{ subjectId: string; last: string | null }>();
    const lastDecision = new Map(decided.map((row) => [row.subjectId, row.last]));
    const facts = new Map<string, SubjectFacts>();
    const known = new Set<string>([...lastDecision.keys()]);
    for (const id of ids)
      facts.set(id, { ...NO_SUBJECT_FACTS, lastDecisionAt: lastDecision.get(id) ?? null });
    for (const subject of subjects) {
      known.add(subject.subjectId);
      facts.set(subject.subjectId, {
        relationshipEndedAt: subject.relationshipEndedAt,
        relationshipEndRecordedAt: subject.relationshipEndRecordedAt,
        activeHolds: subject.activeHolds,
        erasureRequestId: subject.erasureRequestId,
        erasureRequestedAt: subject.erasureRequestedAt,
        restricted: subject.restricted,
        lastDecisionAt: lastDecision.get(subject.subjectId) ?? null,
      });
    }
    return { facts, known };
  }

  /** Every data class of the subject: status, legal basis, when it is due, what holds it. */
  async assess(subjectId: string): Promise<SubjectRetention> {
    const now = this.clock.now();
    const { rules, policy } = this.rules(now);
    const { facts: subject, known } = await this.subjectFacts(subjectId);
    const rows = await this.dataSource.getRepository(RetentionClassEntity).findBy({ subjectId });
    const byClass = new Map<string, ClassFacts>(rows.map((row) => [row.dataClass, row]));
    return {
      subjectId,
      asOf: now.toISOString(),
      policy,
      known: known || rows.length > 0,
      subject,
      classes: DATA_CLASSES.map((dataClass) =>
        assessClass(
          dataClass,
          rules[dataClass],
          byClass.get(dataClass),
          subject,
          now,
          policy.safeguards.shredGrace,
        ),
      ),
    };
  }

  /**
   * Shreds due now, grouped by subject, at most `limit` (subject, class) pairs. Candidates come from indexed
   * queries per class and period anchor, in anchor order; each is then checked exactly by `assessClass`. A run
   * passes the same `cursor` to every call: each query goes on after the last candidate it handed out, so a run
   * reads every row once however far the read model lags behind the shreds.
   */
  async due(limit: number, cursor: DueCursor = new Map()): Promise<DueShred[]> {
    const now = this.clock.now();
    const { rules, policy } = this.rules(now);
    const bySubject = new Map<
      string,
      {
        subjectId: string;
        classes: Set<DataClass>;
        positions: number[];
        reason: DueShred['reason'];
        requestId: string | null;
      }
    >();
    let pairs = 0;
    for (const dataClass of DATA_CLASSES) {
      const rule = rules[dataClass];
      const sources: CandidateSource[] = rule.legalObligation ? [rule.from] : [rule.from, 'erasure'];
      for (const source of sources) {
        if (pairs >= limit) break;
        const key = `${dataClass}\n${source}`;
        const after = cursor.get(key) ?? { anchor: '', subjectId: '' };
        const cutoff = source === 'erasure' ? now.toISOString() : latestDueStart(rule.period, now);
        const candidates = await this.candidates(dataClass, source, cutoff, after, limit - pairs);
        if (candidates.length === 0) continue;
        const ids = candidates.map((candidate) => candidate.subjectId);
        const { facts } = await this.factsOf(ids);
        const rows = new Map(
          (
            await this.dataSource
              .getRepository(RetentionClassEntity)
              .findBy({ subjectId: In(ids), dataClass })
          ).map((row) => [row.subjectId, row]),
        );
        for (const candidate of candidates) {
          cursor.set(key, candidate);
          const { subjectId } = candidate;
          const row = rows.get(subjectId);
          if (row === undefined) continue;
          const assessed = assessClass(
            dataClass,
            rule,
            row,
            facts.get(subjectId) ?? NO_SUBJECT_FACTS,
            now,
            policy.safeguards.shredGrace,
          );
          if (!assessed.shreddable) continue;
          const reason = assessed.erasureRequestId === null ? 'retention_expired' : 'erasure_request';
          const group = `${subjectId}\n${reason}`;
          const target = bySubject.get(group) ?? {
            subjectId,
            classes: new Set<DataClass>(),
            positions: [],
            reason,
            requestId: assessed.erasureRequestId ?? assessed.restriction?.requestId ?? null,
          };
          if (target.classes.has(dataClass)) continue;
          target.classes.add(dataClass);
          target.positions.push(row.lastCollectedPosition);
          bySubject.set(group, target);
          pairs += 1;
        }
      }
    }
    return [...bySubject.values()].map((entry) => ({
      subjectId: entry.subjectId,
      dataClasses: [...entry.classes],
      collectedPositions: entry.positions,
      reason: entry.reason,
      coverage: entry.reason === 'erasure_request' ? 'erasure_covered' : 'all',
      requestId: entry.requestId,
    }));
  }

  /**
   * Subjects with held data of the class whose period may have ended (started at or before `cutoff`), or, for
   * `erasure`, whose erasure request covers data a hold no longer keeps — after `after` in (anchor, subject)
   * order, which the indexes serve without sorting.
   */
  private async candidates(
    dataClass: DataClass,
    source: CandidateSource,
    cutoff: string,
    after: Candidate,
    limit: number,
  ): Promise<Candidate[]> {
    const held = '(c.shredded_position IS NULL OR c.last_collected_position > c.shredded_position)';
    let sql: string;
    switch (source) {
      case 'relationship_end':
        sql = `SELECT s.subject_id, s.relationship_ended_at AS anchor FROM retention_subjects s
          JOIN retention_classes c ON c.subject_id = s.subject_id AND c.data_class = ?
          WHERE s.relationship_ended_at <= ? AND (s.relationship_ended_at, s.subject_id) > (?, ?)
            AND ${held} AND s.hold_count = 0
          ORDER BY s.relationship_ended_at, s.subject_id LIMIT ?`;
        break;
      case 'collection':
        sql = `SELECT c.subject_id, c.last_collected_at AS anchor FROM retention_classes c
          LEFT JOIN retention_subjects s ON s.subject_id = c.subject_id
          WHERE c.data_class = ? AND c.last_collected_at <= ? AND (c.last_collected_at, c.subject_id) > (?, ?)
            AND ${held} AND COALESCE(s.hold_count, 0) = 0
          ORDER BY c.last_collected_at, c.subject_id LIMIT ?`;
        break;
      case 'decision':
        sql = `SELECT c.subject_id, d.decided_at AS anchor FROM retention_classes c
          JOIN (SELECT subject_id, MAX(decided_at) AS decided_at FROM retention_sessions
                WHERE decided_at IS NOT NULL GROUP BY subject_id) d ON d.subject_id = c.subject_id
          LEFT JOIN retention_subjects s ON s.subject_id = c.subject_id
          WHERE c.data_class = ? AND d.decided_at <= ? AND (d.decided_at, c.subject_id) > (?, ?)
            AND ${held} AND COALESCE(s.hold_count, 0) = 0
          ORDER BY d.decided_at, c.subject_id LIMIT ?`;
        break;
      case 'erasure':
        sql = `SELECT s.subject_id, s.erasure_requested_at AS anchor FROM retention_subjects s
          JOIN retention_classes c ON c.subject_id = s.subject_id AND c.data_class = ?
          WHERE s.erasure_requested_at <= ? AND (s.erasure_requested_at, s.subject_id) > (?, ?)
            AND c.erasure_covered_position IS NOT NULL
            AND (c.shredded_position IS NULL OR c.shredded_position < c.erasure_covered_position)
            AND s.hold_count = 0
          ORDER BY s.erasure_requested_at, s.subject_id LIMIT ?`;
        break;
    }
    const postgres = this.dataSource.options.type === 'postgres';
    const rows = await this.dataSource.query<Row[]>(postgres ? numberPlaceholders(sql) : sql, [
      dataClass,
      cutoff,
      after.anchor,
      after.subjectId,
      limit,
    ]);
    return rows.flatMap((row) => {
      const subjectId = str(row.subject_id);
      const anchor = str(row.anchor);
      return subjectId === null || anchor === null ? [] : [{ subjectId, anchor }];
    });
  }
}
