import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandContext } from '../commands/command-context';
import { decideSubject as decide, repeatedConsent } from '../domain/subject';
import { subjectStream } from '../ledger/stream-names';
import { PolicyRegistry } from '../policies/policy-registry';
import { NoticeRegistry } from './notices';
import { CLOCK, type Clock } from '../shared/clock';
import { uuidV5 } from '../shared/deterministic-uuid';
import { AggregateRunner } from '../commands/aggregate-runner';
import { subjectAggregate } from '../commands/aggregates';

export class GrantConsentCommand {
  constructor(
    readonly subjectId: string,
    readonly input: {
      scopes: string[];
      noticeVersion: string;
      locale: string;
      channel: string;
      /** Proof of consent (personal data: encrypted as consent_evidence). */
      evidence?: Record<string, string>;
    },
    readonly context: CommandContext,
  ) {}
}

export interface GrantConsentResult {
  readonly consentId: string;
  readonly revision: number;
  readonly position: number;
}

@CommandHandler(GrantConsentCommand)
export class GrantConsentHandler implements ICommandHandler<GrantConsentCommand, GrantConsentResult> {
  constructor(
    private readonly runner: AggregateRunner,
    private readonly policies: PolicyRegistry,
    private readonly notices: NoticeRegistry,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ subjectId, input, context }: GrantConsentCommand): Promise<GrantConsentResult> {
    const now = this.clock.now();
    // The exact text the person agreed to: refused unless this service holds that notice.
    const notice = this.notices.require(input.noticeVersion, input.locale);
    let consentId =
      context.idempotencyScope === undefined ? randomUUID() : uuidV5(`${context.idempotencyScope}\nconsent`);
    const outcome = await this.runner.run(
      subjectAggregate(subjectId),
      subjectStream(subjectId),
      (state) => {
        // A retry of the consent in force records nothing and answers with that consent.
        const repeated = state.consents.has(consentId) ? undefined : repeatedConsent(state, input);
        if (repeated !== undefined) {
          consentId = repeated.consentId;
          return [];
        }
        return decide(
          {
            type: 'GrantConsent',
            data: {
              consentId,
              ...input,
              noticeHash: notice.hash,
              policyHash: this.policies.active(now).hash,
              now: now.toISOString(),
            },
          },
          state,
        );
      },
      context,
    );
    return { consentId, revision: outcome.revision, position: outcome.position };
  }
}
