import { Injectable } from '@nestjs/common';
import { DataSource, type Repository } from 'typeorm';
import { ProjectionStore } from '../projections/core/projection-store';
import { selectRows } from '../projections/core/sql-program';
import { quote } from '../projections/core/table-info';
import { isPlainObject } from '../shared/json';
import type { NormalisedDelivery } from './delivery';
import { ParkedDeliveryEntity } from './webhook.entities';

export type ParkReason =
  | 'unknown_session'
  | 'result_not_in_payload'
  | 'unrecognised_payload'
  /** A result the vendor marks as its sandbox's, in a deployment that is not a sandbox: kept, never counted. */
  | 'sandbox_result';

export interface ParkedDelivery {
  readonly vendor: string;
  readonly eventId: string;
  readonly reason: ParkReason;
  readonly delivery: NormalisedDelivery | undefined;
}

/** A parked delivery as an operator may see it: what, when and why, never the payload's values. */
export interface ParkedDeliveryRow {
  readonly vendor: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly reason: ParkReason;
  readonly status: string;
  readonly receivedAt: string;
  readonly occurredAt: string | null;
  readonly resolvedSessionId: string | null;
  readonly resolvedAt: string | null;
}

export interface ParkedListFilter {
  readonly status?: string;
  readonly vendor?: string;
  readonly reason?: string;
  readonly after?: { readonly receivedAt: string; readonly vendor: string; readonly eventId: string };
  readonly limit: number;
}

/** Deliveries kept for investigation, and their replay once the session is known. */
@Injectable()
export class ParkedDeliveryRepository {
  private readonly rows: Repository<ParkedDeliveryEntity>;
  /** Prepared statements (cached on SQLite) for the lookup every new session and reference makes. */
  private readonly store: ProjectionStore;

  /** The two statements of `waitingFor`, written once. */
  private readonly waitingSql: { readonly byHint: string; readonly byReference: string };

  constructor(dataSource: DataSource) {
    this.rows = dataSource.getRepository(ParkedDeliveryEntity);
    this.store = new ProjectionStore(dataSource);
    const waiting = (match: string): string =>
      `SELECT "vendor", "event_id", "reason", "delivery" FROM ${quote(this.rows.metadata.tableName)} ` +
      `WHERE ${match} AND "status" = 'parked' AND "reason" = 'unknown_session'`;
    this.waitingSql = {
      byHint: waiting('"session_hint" = ?'),
      byReference: waiting('"vendor" = ? AND "vendor_reference" = ?'),
    };
  }

  /** Parks a delivery; parking the same vendor event again changes nothing (a redelivery). */
  async park(
    entry: {
      vendor: string;
      eventId: string;
      eventType: string;
      reason: ParkReason;
      delivery: NormalisedDelivery | undefined;
      bodySha256: string;
    },
    now: Date,
  ): Promise<void> {
    await this.rows
      .createQueryBuilder()
      .insert()
      .values({
        vendor: entry.vendor,
        eventId: entry.eventId,
        eventType: entry.eventType.slice(0, 128),
        reason: entry.reason,
        status: 'parked',
        vendorReference: entry.delivery?.vendorReference ?? null,
        sessionHint: entry.delivery?.sessionHint ?? null,
        occurredAt: entry.delivery?.occurredAt ?? null,
        receivedAt: now.toISOString(),
        delivery: entry.delivery === undefined ? null : JSON.stringify(entry.delivery),
        bodySha256: entry.bodySha256,
        resolvedSessionId: null,
        resolvedAt: null,
      })
      .orIgnore()
      .execute();
  }

  /** Parked deliveries waiting for a session that this reference (or pass-through id) now names. */
  async waitingFor(
    where: { vendor: string; vendorReference: string } | { sessionHint: string },
  ): Promise<ParkedDelivery[]> {
    // Asked for every session started and every vendor reference recorded, and nearly always empty: a prepared
    // statement on an index, not a query built per call.
    const [sql, params] =
      'sessionHint' in where
        ? [this.waitingSql.byHint, [where.sessionHint]]
        : [this.waitingSql.byReference, [where.vendor, where.vendorReference]];
    const rows = await this.store.read(() => selectRows(sql, params));
    return rows.map((row) =>
      toParked({
        vendor: String(row.vendor),
        eventId: String(row.event_id),
        reason: String(row.reason),
        delivery: typeof row.delivery === 'string' ? row.delivery : null,
      }),
    );
  }

  /** Parked deliveries of `vendor` that announce a result the service must fetch, oldest first. */
  async awaitingFetch(vendor: string, limit: number): Promise<ParkedDelivery[]> {
    const rows = await this.rows.find({
      where: { vendor, status: 'parked', reason: 'result_not_in_payload' },
      order: { receivedAt: 'ASC' },
      take: limit,
    });
    return rows.map(toParked);
  }

  /** Marks a parked delivery as replayed into `sessionId`; false when another replay took it first. */
  async resolve(vendor: string, eventId: string, sessionId: string, now: Date): Promise<boolean> {
    const result = await this.rows.update(
      { vendor, eventId, status: 'parked' },
      { status: 'resolved', resolvedSessionId: sessionId, resolvedAt: now.toISOString() },
    );
    return (result.affected ?? 0) > 0;
  }

  /**
   * A parked delivery whose result is now known but whose session is not: it waits, with the result, for a
   * session that names `delivery.vendorReference` (replayed like any `unknown_session` delivery). False when it
   * was no longer parked for `from`.
   */
  async awaitSession(
    vendor: string,
    eventId: string,
    from: ParkReason,
    delivery: NormalisedDelivery,
  ): Promise<boolean> {
    const result = await this.rows.update(
      { vendor, eventId, status: 'parked', reason: from },
      {
        reason: 'unknown_session',
        delivery: JSON.stringify(delivery),
        vendorReference: delivery.vendorReference ?? null,
        sessionHint: delivery.sessionHint ?? null,
      },
    );
    return (result.affected ?? 0) > 0;
  }

  /**
   * A delivery whose fetched object holds no result to record (e.g. an inquiry that expired undecided): resolved
   * into no session. False when it was no longer parked.
   */
  async settleWithoutResult(vendor: string, eventId: string, now: Date): Promise<boolean> {
    const result = await this.rows.update(
      { vendor, eventId, status: 'parked' },
      { status: 'resolved', resolvedAt: now.toISOString() },
    );
    return (result.affected ?? 0) > 0;
  }

  /** A delivery whose fetched object is not what the vendor documents: kept for investigation, not fetched again. */
  async fetchedUnrecognised(vendor: string, eventId: string): Promise<boolean> {
    const result = await this.rows.update(
      { vendor, eventId, status: 'parked', reason: 'result_not_in_payload' },
      { reason: 'unrecognised_payload' },
    );
    return (result.affected ?? 0) > 0;
  }

  /** Deliveries waiting for their result to be fetched, by vendor. */
  async countAwaitingFetch(): Promise<Map<string, number>> {
    const rows = await this.rows
      .createQueryBuilder('parked')
      .select('parked.vendor', 'vendor')
      .addSelect('COUNT(*)', 'count')
      .where('parked.status = :status', { status: 'parked' })
      .andWhere('parked.reason = :reason', { reason: 'result_not_in_payload' })
      .groupBy('parked.vendor')
      .getRawMany<{ vendor: string; count: string | number }>();
    return new Map(rows.map((row) => [row.vendor, Number(row.count)]));
  }

  /** Deliveries still parked, by reason. */
  async countParked(): Promise<Record<ParkReason, number>> {
    const rows = await this.rows
      .createQueryBuilder('parked')
      .select('parked.reason', 'reason')
      .addSelect('COUNT(*)', 'count')
      .where('parked.status = :status', { status: 'parked' })
      .groupBy('parked.reason')
      .getRawMany<{ reason: string; count: string | number }>();
    const counts: Record<ParkReason, number> = {
      unknown_session: 0,
      result_not_in_payload: 0,
      unrecognised_payload: 0,
      sandbox_result: 0,
    };
    for (const row of rows) {
      if (Object.hasOwn(counts, row.reason)) counts[row.reason as ParkReason] = Number(row.count);
    }
    return counts;
  }

  /** A page of parked deliveries, newest first (keyset on receipt time and key); no payload values. */
  async list(filter: ParkedListFilter): Promise<{ rows: ParkedDeliveryRow[]; more: boolean }> {
    const query = this.rows.createQueryBuilder('p');
    if (filter.status !== undefined) query.andWhere('p.status = :status', { status: filter.status });
    if (filter.vendor !== undefined) query.andWhere('p.vendor = :vendor', { vendor: filter.vendor });
    if (filter.reason !== undefined) query.andWhere('p.reason = :reason', { reason: filter.reason });
    const after = filter.after;
    if (after !== undefined) {
      query.andWhere(
        '(p.received_at < :receivedAt OR (p.received_at = :receivedAt AND (p.vendor < :vendorKey OR ' +
          '(p.vendor = :vendorKey AND p.event_id < :eventKey))))',
        { receivedAt: after.receivedAt, vendorKey: after.vendor, eventKey: after.eventId },
      );
    }
    const found = await query
      .orderBy('p.received_at', 'DESC')
      .addOrderBy('p.vendor', 'DESC')
      .addOrderBy('p.event_id', 'DESC')
      .limit(filter.limit + 1)
      .getMany();
    return {
      rows: found.slice(0, filter.limit).map((row) => ({
        vendor: row.vendor,
        eventId: row.eventId,
        eventType: row.eventType,
        reason: row.reason as ParkReason,
        status: row.status,
        receivedAt: row.receivedAt,
        occurredAt: row.occurredAt,
        resolvedSessionId: row.resolvedSessionId,
        resolvedAt: row.resolvedAt,
      })),
      more: found.length > filter.limit,
    };
  }

  async find(vendor: string, eventId: string): Promise<(ParkedDelivery & { status: string }) | undefined> {
    const row = await this.rows.findOneBy({ vendor, eventId });
    return row === null ? undefined : { ...toParked(row), status: row.status };
  }
}

function toParked(
  row: Pick<ParkedDeliveryEntity, 'vendor' | 'eventId' | 'reason' | 'delivery'>,
): ParkedDelivery {
  const parsed: unknown = row.delivery === null ? undefined : JSON.parse(row.delivery);
  return {
    vendor: row.vendor,
    eventId: row.eventId,
    reason: row.reason as ParkReason,
    delivery: isPlainObject(parsed) ? (parsed as unknown as NormalisedDelivery) : undefined,
  };
}
