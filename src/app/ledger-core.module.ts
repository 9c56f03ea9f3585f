import { type DynamicModule, Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../platform/config/config';
import { APP_CONFIG, EXPIRY_INTERVAL_MS } from '../platform/config/tokens';
import { CLOCK, type Clock, systemClock } from '../shared/clock';
import { IdentityIndex } from '../ledger/crypto/identity-index';
import { KeyStore } from '../ledger/crypto/key-store';
import { PiiCipher } from '../ledger/crypto/pii-cipher';
import { ProjectionCheckpointEntity } from '../projections/core/checkpoint.entity';
import { openDataSource, readModelDatabase } from './persistence/data-source';
import { createEventStore } from '../ledger/event-store.factory';
import { EVENT_STORE, type EventStore } from '../ledger/event-store.port';
import { Ledger } from '../ledger/ledger';

/**
 * The ledger's core parts for every feature module: configuration, the event store adapter, the read-model
 * database, the key store and the sealing ledger.
 */
@Global()
@Module({})
export class LedgerCoreModule implements OnApplicationShutdown {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly dataSource: DataSource,
  ) {}

  static forRoot(
    config: AppConfig,
    overrides: { clock?: Clock; expiryIntervalMs?: number } = {},
  ): DynamicModule {
    const kek = config.kek;
    if (!kek) throw new Error('LedgerCoreModule needs a resolved configuration with a KEK');
    return {
      module: LedgerCoreModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: CLOCK, useValue: overrides.clock ?? systemClock },
        { provide: EXPIRY_INTERVAL_MS, useValue: overrides.expiryIntervalMs ?? 5000 },
        { provide: EVENT_STORE, useFactory: () => createEventStore(config) },
        { provide: DataSource, useFactory: () => openDataSource(readModelDatabase(config)) },
        {
          provide: KeyStore,
          inject: [DataSource, CLOCK],
          useFactory: async (dataSource: DataSource, clock: Clock) => {
            const keys = new KeyStore(dataSource, kek, () => clock.now());
            await keys.assertKek();
            return keys;
          },
        },
        { provide: PiiCipher, inject: [KeyStore], useFactory: (keys: KeyStore) => new PiiCipher(keys) },
        {
          provide: IdentityIndex,
          inject: [DataSource, KeyStore],
          useFactory: (dataSource: DataSource, keys: KeyStore) =>
            new IdentityIndex(dataSource, keys, dataSource.getMetadata(ProjectionCheckpointEntity).tableName),
        },
        {
          provide: Ledger,
          inject: [EVENT_STORE, PiiCipher, CLOCK],
          useFactory: (store: EventStore, cipher: PiiCipher, clock: Clock) =>
            new Ledger(store, cipher, () => clock.now()),
        },
      ],
      exports: [
        APP_CONFIG,
        CLOCK,
        EXPIRY_INTERVAL_MS,
        EVENT_STORE,
        DataSource,
        KeyStore,
        PiiCipher,
        IdentityIndex,
        Ledger,
      ],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
