import { Injectable } from '@nestjs/common';
import { DataSource, IsNull, type Repository } from 'typeorm';
import { IdempotencyRecordEntity } from './idempotency-record.entity';

export type Claim =
  | { kind: 'claimed' }
  | { kind: 'replay'; requestHash: string; statusCode: number; body: string }
  | { kind: 'in_progress'; requestHash: string };

/** A claim older than this without a response belongs to a request that died; a retry may take it over. */
const STALE_CLAIM_MS = 60_000;

@Injectable()
export class IdempotencyRepository {
  private readonly records: Repository<IdempotencyRecordEntity>;

  constructor(dataSource: DataSource) {
    this.records = dataSource.getRepository(IdempotencyRecordEntity);
  }

  /** Claims (principal, key) for a request, or reports the earlier request that holds it. */
  async claim(principal: string, key: string, requestHash: string, now: Date): Promise<Claim> {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const existing = await this.records.findOneBy({ principal, key });
      if (existing) {
        if (existing.statusCode !== null && existing.responseBody !== null) {
          return {
            kind: 'replay',
            requestHash: existing.requestHash,
            statusCode: existing.statusCode,
            body: existing.responseBody,
          };
        }
        const stale = now.getTime() - Date.parse(existing.createdAt) > STALE_CLAIM_MS;
        if (!stale || existing.requestHash !== requestHash) {
          return { kind: 'in_progress', requestHash: existing.requestHash };
        }
        const taken = await this.records.update(
          { principal, key, createdAt: existing.createdAt },
          { createdAt: now.toISOString() },
        );
        if ((taken.affected ?? 0) === 1) return { kind: 'claimed' };
        continue;
      }
      try {
        await this.records.insert({
          principal,
          key,
          requestHash,
          statusCode: null,
          responseBody: null,
          createdAt: now.toISOString(),
        });
        return { kind: 'claimed' };
      } catch {
        // Someone claimed it between our read and insert: read again.
      }
    }
    return { kind: 'in_progress', requestHash };
  }

  async complete(principal: string, key: string, statusCode: number, body: string): Promise<void> {
    await this.records.update({ principal, key }, { statusCode, responseBody: body });
  }

  /** Frees a claim whose request failed for a reason a retry may not meet again (5xx). */
  async release(principal: string, key: string): Promise<void> {
    await this.records.delete({ principal, key, statusCode: IsNull() });
  }
}
