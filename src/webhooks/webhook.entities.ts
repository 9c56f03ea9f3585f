import { Column, Entity, Index, PrimaryColumn, type ValueTransformer } from 'typeorm';

/** Global positions are `bigint`; PostgreSQL returns them as strings, positions stay below 2^53. */
const position: ValueTransformer = {
  to: (value: number) => value,
  from: (value: string | number) => Number(value),
};

/**
 * Which session a vendor's reference belongs to: one row per `EvidenceSubmitted` (vendor, vendorReference), kept
 * by the reference-index follower. Vendor ids are no personal data; nothing else is stored.
 */
@Entity({ name: 'webhook_session_references' })
@Index('webhook_session_references_session', ['sessionId'])
export class WebhookReferenceEntity {
  @PrimaryColumn({ name: 'vendor', type: 'varchar', length: 64 })
  vendor!: string;

  @PrimaryColumn({ name: 'vendor_reference', type: 'varchar', length: 256 })
  vendorReference!: string;

  @Column({ name: 'session_id', type: 'varchar', length: 128 })
  sessionId!: string;

  /** Global position of the EvidenceSubmitted that recorded it. */
  @Column({ name: 'position', type: 'bigint', transformer: position })
  position!: number;
}

/** How far a follower of the global log has got; written in the same transaction as what it indexed. */
@Entity({ name: 'webhook_checkpoints' })
export class WebhookCheckpointEntity {
  @PrimaryColumn({ name: 'name', type: 'varchar', length: 64 })
  name!: string;

  @Column({ name: 'position', type: 'bigint', transformer: position })
  position!: number;

  @Column({ name: 'updated_at', type: 'varchar', length: 30 })
  updatedAt!: string;
}

/**
 * A verified vendor delivery that could not be recorded: its session is unknown (yet), the vendor did not carry
 * the result, or the payload is not what the vendor documents. Kept for investigation and replayed once its
 * reference becomes known. Holds the normalised delivery (ids, event name and time, check results), never the
 * raw payload, which may carry personal data.
 */
@Entity({ name: 'webhook_parked_deliveries' })
@Index('webhook_parked_deliveries_reference', ['vendor', 'vendorReference'])
@Index('webhook_parked_deliveries_hint', ['sessionHint'])
@Index('webhook_parked_deliveries_status', ['status'])
export class ParkedDeliveryEntity {
  @PrimaryColumn({ name: 'vendor', type: 'varchar', length: 32 })
  vendor!: string;

  @PrimaryColumn({ name: 'event_id', type: 'varchar', length: 256 })
  eventId!: string;

  @Column({ name: 'event_type', type: 'varchar', length: 128 })
  eventType!: string;

  /** `unknown_session` | `result_not_in_payload` | `unrecognised_payload` | `sandbox_result`. */
  @Column({ name: 'reason', type: 'varchar', length: 32 })
  reason!: string;

  /** `parked` until replayed into a session (`resolved`). */
  @Column({ name: 'status', type: 'varchar', length: 16 })
  status!: string;

  @Column({ name: 'vendor_reference', type: 'varchar', length: 256, nullable: true })
  vendorReference!: string | null;

  @Column({ name: 'session_hint', type: 'varchar', length: 128, nullable: true })
  sessionHint!: string | null;

  @Column({ name: 'occurred_at', type: 'varchar', length: 30, nullable: true })
  occurredAt!: string | null;

  @Column({ name: 'received_at', type: 'varchar', length: 30 })
  receivedAt!: string;

  /** The normalised delivery as JSON (no personal data), or null when the payload could not be read. */
  @Column({ name: 'delivery', type: 'text', nullable: true })
  delivery!: string | null;

  /** SHA-256 of the raw body, to match it with the vendor's own records. */
  @Column({ name: 'body_sha256', type: 'varchar', length: 64 })
  bodySha256!: string;

  @Column({ name: 'resolved_session_id', type: 'varchar', length: 128, nullable: true })
  resolvedSessionId!: string | null;

  @Column({ name: 'resolved_at', type: 'varchar', length: 30, nullable: true })
  resolvedAt!: string | null;
}
