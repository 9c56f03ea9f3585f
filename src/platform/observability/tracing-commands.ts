import type { CommandBus } from '@nestjs/cqrs';
import {
  CORRELATION_ID,
  correlationIdOf,
  inSpan,
  rememberCommandSpan,
  tracingEnabled,
} from '../../shared/tracing';

const COMMAND_NAME = /^[A-Za-z]{1,64}$/;

/**
 * The name of a command as the domain says it: `SubmitEvidence` for a verification command, `PlaceLegalHold`
 * for a subject command, else the class without its `Command` suffix (`GrantConsent`). Only names: a command's
 * fields carry personal data.
 */
export function commandNameOf(command: object): string {
  const { input, command: inner } = command as { input?: { type?: unknown }; command?: { kind?: unknown } };
  const named = [input?.type, inner?.kind].find(
    (name): name is string => typeof name === 'string' && COMMAND_NAME.test(name),
  );
  return named ?? command.constructor.name.replace(/Command$/, '');
}

const tracedBuses = new WeakSet<CommandBus>();

/**
 * Runs every command the bus dispatches in a span (`command SubmitEvidence`), child of the request's span, with
 * the command's name and correlation id; the ledger's append spans are its children. Leaves the bus alone while
 * tracing is off.
 */
export function traceCommands(bus: CommandBus): void {
  if (!tracingEnabled() || tracedBuses.has(bus)) return;
  tracedBuses.add(bus);
  const execute = bus.execute.bind(bus) as (command: object, ...rest: unknown[]) => Promise<unknown>;
  const traced = (command: object, ...rest: unknown[]): Promise<unknown> => {
    const name = commandNameOf(command);
    const correlationId = correlationIdOf((command as { context?: unknown }).context);
    return inSpan(
      `command ${name}`,
      () => ({
        attributes: {
          'kyc.command': name,
          ...(correlationId === undefined ? {} : { [CORRELATION_ID]: correlationId }),
        },
      }),
      (span) => {
        if (correlationId !== undefined) rememberCommandSpan(correlationId, span);
        return execute(command, ...rest);
      },
    );
  };
  Object.assign(bus, { execute: traced });
}
