import { Module } from '@nestjs/common';
import { PublisherService } from './publisher.service';

/**
 * The Kafka publisher (docs/kafka.md, "Delivery guarantees"): follows the global log and publishes PII-free CloudEvents to
 * `kyc.verification.v1` and `kyc.subject.v1`, at least once, in ledger order per key. Off unless
 * `KAFKA_BROKERS` is set. See docs/kafka.md.
 */
@Module({
  providers: [PublisherService],
  exports: [PublisherService],
})
export class PublisherModule {}
