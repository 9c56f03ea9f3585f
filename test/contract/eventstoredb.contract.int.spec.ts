import { EventStoreDbEventStore } from '../../src/ledger/eventstoredb/eventstoredb-event-store';
import { type EsdbStandInOptions, startEsdbStandIn } from '../support/esdb-standin/esdb-standin';
import { describeWithService } from '../support/services';
import { type ContractTarget, eventStoreContract } from './event-store.contract';

/** A fresh stand-in per test: nothing carries over between cases. */
async function onStandIn(options: EsdbStandInOptions = {}): Promise<ContractTarget> {
  const standIn = await startEsdbStandIn(options);
  const store = new EventStoreDbEventStore(standIn.connectionString);
  return {
    store,
    cleanup: async () => {
      await store.close();
      await standIn.stop();
    },
  };
}

// The stand-in is a test double of EventStoreDB, not EventStoreDB: see test/support/esdb-standin/esdb-standin.ts.
eventStoreContract('EventStoreDB adapter, gRPC stand-in (BatchAppend, caught-up message)', () => onStandIn());

eventStoreContract(
  'EventStoreDB adapter, gRPC stand-in as a 20.x server (Append, no caught-up message)',
  () => onStandIn({ legacy: true }),
);

describeWithService(
  'EVENTSTORE_CONNECTION_STRING',
  'EventStoreDB adapter, real server',
  (connectionString) => {
    // A shared, long-lived server: the contract gives every stream a unique id.
    eventStoreContract('EventStoreDB adapter, real server', () => {
      const store = new EventStoreDbEventStore(connectionString);
      return Promise.resolve({ store, cleanup: () => store.close() });
    });
  },
  { optionalInCi: true },
);
