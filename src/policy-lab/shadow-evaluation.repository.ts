import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ProjectionStore } from '../projections/core/projection-store';
import { execute, type SqlProgram } from '../projections/core/sql-program';
import { quote } from '../projections/core/table-info';
import type { ShadowEvaluation } from './shadow-evaluation';
import { ShadowCheckpointEntity, ShadowEvaluationEntity } from './shadow-evaluation.entity';

/** The shadow evaluator's checkpoint row. */
export const SHADOW_CHECKPOINT = 'shadow-evaluator';

/** Session ids kept per changed `byOutcome` cell of a summary. */
export const SHADOW_SESSIONS_PER_CELL = 1000;

export interface ShadowRange {
  /** Evaluations made at or after this instant (ISO 8601, UTC). */
  readonly from?: string;
  /** Evaluations made before this instant. */
  readonly to?: string;
}

/** Counts of one shadow policy's evaluations in a range. */
export interface ShadowTally {
  readonly policyId: string;
  readonly version: string;
  readonly hash: string;
  readonly evaluated: number;
  readonly differs: number;
  /** `<recorded outcome>→<shadow outcome>` → evaluations. */
  readonly byOutcome: Record<string, number>;
}

/** Every database call of shadow mode: the evaluations read model and the evaluator's checkpoint. */
@Injectable()
export class ShadowEvaluationRepository {
  private readonly db: ProjectionStore;

  constructor(private readonly dataSource: DataSource) {
    this.db = new ProjectionStore(dataSource);
  }

  /** The position the evaluator has handled, or undefined before its first start. */
  async checkpoint(): Promise<number | undefined> {
    const row = await this.dataSource
      .getRepository(ShadowCheckpointEntity)
      .findOneBy({ name: SHADOW_CHECKPOINT });
    return row?.position;
  }

  /**
   * Records evaluations and moves the checkpoint forward (never back) in one transaction. At least once: an
   * evaluation recorded again (same position and shadow hash) is kept as first written. On SQLite the transaction
   * runs in one synchronous step, so no other write of the process (a data key) can fall into it and be rolled
   * back with it. The rows can be evaluated again from the checkpoint, so the commit is not fsynced.
   */
  async record(rows: readonly ShadowEvaluation[], position: number, now: Date): Promise<void> {
    const updatedAt = now.toISOString();
    const table = quote(this.db.tableInfo(ShadowEvaluationEntity).table);
    const checkpoints = quote(this.db.tableInfo(ShadowCheckpointEntity).table);
    function* program(): SqlProgram<void> {
      for (const row of rows) {
        yield* execute(
          `INSERT INTO ${table} ("position", "shadow_policy_hash", "session_id", "shadow_policy_id", ` +
            `"shadow_policy_version", "recorded_policy_hash", "recorded_outcome", "recorded_reason_codes", ` +
            `"shadow_outcome", "shadow_reason_codes", "differs", "evaluated_at") ` +
            `VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
          [
            row.position,
            row.shadowPolicyHash,
            row.sessionId,
            row.shadowPolicyId,
            row.shadowPolicyVersion,
            row.recordedPolicyHash,
            row.recordedOutcome,
            JSON.stringify(row.recordedReasonCodes),
            row.shadowOutcome,
            JSON.stringify(row.shadowReasonCodes),
            // 1 and 0: SQLite's booleans, and boolean input PostgreSQL accepts.
            row.differs ? 1 : 0,
            row.evaluatedAt,
          ],
        );
      }
      yield* execute(
        `INSERT INTO ${checkpoints} ("name", "position", "updated_at") VALUES (?, ?, ?) ` +
          `ON CONFLICT ("name") DO UPDATE SET "position" = excluded."position", "updated_at" = excluded."updated_at" ` +
          `WHERE ${checkpoints}."position" < excluded."position"`,
        [SHADOW_CHECKPOINT, position, updatedAt],
      );
    }
    await this.db.transaction(program, { rebuildable: true });
  }

  /** A session's shadow evaluations, in log order (then by shadow version). */
  async forSession(sessionId: string, throughPosition?: number): Promise<ShadowEvaluation[]> {
    const query = this.dataSource
      .getRepository(ShadowEvaluationEntity)
      .createQueryBuilder('row')
      .where('row.sessionId = :sessionId', { sessionId });
    if (throughPosition !== undefined)
      query.andWhere('row.position <= :throughPosition', { throughPosition });
    const rows = await query
      .orderBy('row.position', 'ASC')
      .addOrderBy('row.shadowPolicyVersion', 'ASC')
      .getMany();
    return rows.map(fromEntity);
  }

  /** Per shadow policy hash, its evaluations in the range (optionally one policy's). */
  async tallies(range: ShadowRange, policyHash?: string): Promise<ShadowTally[]> {
    const query = this.filtered(range, policyHash)
      .select('row.shadowPolicyHash', 'hash')
      .addSelect('row.shadowPolicyId', 'policyId')
      .addSelect('row.shadowPolicyVersion', 'version')
      .addSelect('row.recordedOutcome', 'recorded')
      .addSelect('row.shadowOutcome', 'shadow')
      .addSelect('row.differs', 'differs')
      .addSelect('COUNT(*)', 'count')
      .groupBy('row.shadowPolicyHash')
      .addGroupBy('row.shadowPolicyId')
      .addGroupBy('row.shadowPolicyVersion')
      .addGroupBy('row.recordedOutcome')
      .addGroupBy('row.shadowOutcome')
      .addGroupBy('row.differs');
    const groups = await query.getRawMany<{
      hash: string;
      policyId: string;
      version: string;
      recorded: string;
      shadow: string;
      differs: boolean | number | string;
      count: string | number;
    }>();
    const byHash = new Map<
      string,
      {
        policyId: string;
        version: string;
        evaluated: number;
        differs: number;
        byOutcome: Map<string, number>;
      }
    >();
    for (const group of groups) {
      let tally = byHash.get(group.hash);
      if (tally === undefined) {
        tally = {
          policyId: group.policyId,
          version: group.version,
          evaluated: 0,
          differs: 0,
          byOutcome: new Map(),
        };
        byHash.set(group.hash, tally);
      }
      const count = Number(group.count);
      const cell = `${group.recorded}→${group.shadow}`;
      tally.evaluated += count;
      if (asBoolean(group.differs)) tally.differs += count;
      tally.byOutcome.set(cell, (tally.byOutcome.get(cell) ?? 0) + count);
    }
    return [...byHash.entries()].map(([hash, tally]) => ({
      policyId: tally.policyId,
      version: tally.version,
      hash,
      evaluated: tally.evaluated,
      differs: tally.differs,
      byOutcome: Object.fromEntries([...tally.byOutcome.entries()].sort(([a], [b]) => a.localeCompare(b))),
    }));
  }

  /**
   * One shadow policy's sessions behind each cell whose outcome changed (`<recorded>→<shadow>` → ids, sorted, at
   * most `SHADOW_SESSIONS_PER_CELL`).
   */
  async changedSessions(range: ShadowRange, policyHash: string): Promise<Record<string, string[]>> {
    const rows = await this.filtered(range, policyHash)
      .andWhere('row.recordedOutcome <> row.shadowOutcome')
      .select('row.recordedOutcome', 'recorded')
      .addSelect('row.shadowOutcome', 'shadow')
      .addSelect('row.sessionId', 'sessionId')
      .distinct(true)
      .orderBy('row.sessionId', 'ASC')
      .getRawMany<{ recorded: string; shadow: string; sessionId: string }>();
    const cells = new Map<string, string[]>();
    for (const row of rows) {
      const cell = `${row.recorded}→${row.shadow}`;
      const ids = cells.get(cell) ?? [];
      if (ids.length < SHADOW_SESSIONS_PER_CELL) ids.push(row.sessionId);
      cells.set(cell, ids);
    }
    return Object.fromEntries([...cells.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }

  private filtered(range: ShadowRange, policyHash: string | undefined) {
    const query = this.dataSource.getRepository(ShadowEvaluationEntity).createQueryBuilder('row');
    query.where('1 = 1');
    if (policyHash !== undefined) query.andWhere('row.shadowPolicyHash = :policyHash', { policyHash });
    if (range.from !== undefined) query.andWhere('row.evaluatedAt >= :from', { from: range.from });
    if (range.to !== undefined) query.andWhere('row.evaluatedAt < :to', { to: range.to });
    return query;
  }
}

/** SQLite answers a boolean column as 0/1 in raw rows, PostgreSQL as true/false. */
function asBoolean(value: boolean | number | string): boolean {
  return value === true || value === 1 || value === '1' || value === 't' || value === 'true';
}

function fromEntity(row: ShadowEvaluationEntity): ShadowEvaluation {
  return {
    position: row.position,
    sessionId: row.sessionId,
    shadowPolicyId: row.shadowPolicyId,
    shadowPolicyVersion: row.shadowPolicyVersion,
    shadowPolicyHash: row.shadowPolicyHash,
    recordedPolicyHash: row.recordedPolicyHash,
    recordedOutcome: row.recordedOutcome,
    recordedReasonCodes: row.recordedReasonCodes,
    shadowOutcome: row.shadowOutcome as ShadowEvaluation['shadowOutcome'],
    shadowReasonCodes: row.shadowReasonCodes,
    differs: row.differs,
    evaluatedAt: row.evaluatedAt,
  };
}
