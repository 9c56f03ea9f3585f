import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandContext } from '../commands/command-context';
import { retentionSafeguardsOf } from '../domain/policy/retention-safeguards';
import { decideSubject as decide, type SubjectCommand } from '../domain/subject';
import { subjectStream } from '../ledger/stream-names';
import { PolicyRegistry } from '../policies/policy-registry';
import { CLOCK, type Clock } from '../shared/clock';
import { uuidV5 } from '../shared/deterministic-uuid';
import { AggregateRunner } from '../commands/aggregate-runner';
import { subjectAggregate } from '../commands/aggregates';

/** Subject commands that need nothing beyond the subject's own stream. */
export type SimpleSubjectCommand =
  | { kind: 'WithdrawConsent'; consentId: string }
  | { kind: 'EndRelationship'; endedAt?: string; correction?: boolean }
  | { kind: 'PlaceLegalHold'; reason: string }
  | { kind: 'ReleaseLegalHold'; holdId: string }
  | { kind: 'ReleaseErasureRestriction'; requestId: string; reason: string; reference?: string };

export class SubjectCommandCommand {
  constructor(
    readonly subjectId: string,
    readonly command: SimpleSubjectCommand,
    readonly context: CommandContext,
  ) {}
}

export interface SubjectCommandResult {
  readonly subjectId: string;
  readonly revision: number;
  readonly position: number;
  readonly holdId?: string;
}

@CommandHandler(SubjectCommandCommand)
export class SubjectCommandHandler implements ICommandHandler<SubjectCommandCommand, SubjectCommandResult> {
  constructor(
    private readonly runner: AggregateRunner,
    private readonly policies: PolicyRegistry,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ subjectId, command, context }: SubjectCommandCommand): Promise<SubjectCommandResult> {
    const now = this.clock.now().toISOString();
    let holdId: string | undefined;
    let domainCommand: SubjectCommand;
    switch (command.kind) {
      case 'WithdrawConsent':
        domainCommand = { type: 'WithdrawConsent', data: { consentId: command.consentId, now } };
        break;
      case 'EndRelationship':
        domainCommand = {
          type: 'EndRelationship',
          data: {
            endedAt: command.endedAt ?? now,
            now,
            // How far back the end may be dated is the policy in force's to say.
            maxBackdate: retentionSafeguardsOf(this.policies.active(new Date(now)).document).maxBackdate,
            ...(command.correction === true ? { correction: true } : {}),
          },
        };
        break;
      case 'PlaceLegalHold':
        holdId =
          context.idempotencyScope === undefined ? randomUUID() : uuidV5(`${context.idempotencyScope}\nhold`);
        domainCommand = { type: 'PlaceLegalHold', data: { holdId, reason: command.reason, now } };
        break;
      case 'ReleaseLegalHold':
        domainCommand = { type: 'ReleaseLegalHold', data: { holdId: command.holdId, now } };
        break;
      case 'ReleaseErasureRestriction':
        domainCommand = {
          type: 'ReleaseErasureRestriction',
          data: {
            requestId: command.requestId,
            reason: command.reason,
            ...(command.reference === undefined ? {} : { reference: command.reference }),
            releasedBy: context.actor.id,
            now,
          },
        };
        break;
    }
    const outcome = await this.runner.run(
      subjectAggregate(subjectId),
      subjectStream(subjectId),
      (state) => decide(domainCommand, state),
      context,
    );
    return {
      subjectId,
      revision: outcome.revision,
      position: outcome.position,
      ...(holdId === undefined ? {} : { holdId }),
    };
  }
}
