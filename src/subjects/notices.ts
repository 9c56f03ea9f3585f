import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Controller, Get, Inject, Injectable } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { AppConfig } from '../platform/config/config';
import { APP_CONFIG } from '../platform/config/tokens';
import { Roles } from '../platform/auth/auth.decorators';
import { LedgerError } from '../shared/ledger-error';

/* Privacy notices as versioned documents beside the policies (`$POLICY_DIR/notices/<version>/<locale>.md`): a
   consent names the version and locale the person saw, and the ledger records the hash of that exact text. */

const VERSION = /^[A-Za-z0-9._-]{1,64}$/;
const LOCALE = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$/;

export interface Notice {
  readonly version: string;
  readonly locale: string;
  /** SHA-256 (hex) of the text, line endings normalised to LF. */
  readonly hash: string;
}

export class NoticeFilesError extends Error {}

/** A consent naming a notice this service does not hold. Says which field, never the value sent. */
export class UnknownNoticeError extends LedgerError {
  readonly code = 'unknown_notice';
  override readonly httpStatus = 422;
  constructor() {
    super(
      'noticeVersion and locale must name a privacy notice this service holds (GET /v1/notices lists them)',
      {
        field: 'noticeVersion',
      },
    );
  }
}

/** The hash recorded with a consent: of the text as a person reads it, whatever the file's line endings. */
export function noticeHash(text: string): string {
  return createHash('sha256').update(text.replace(/\r\n?/g, '\n'), 'utf8').digest('hex');
}

/** Reads every notice under `dir`; a misnamed file or directory refuses the start (like a bad policy). */
export function loadNotices(dir: string): Notice[] {
  if (!existsSync(dir)) return [];
  const notices: Notice[] = [];
  const problems: string[] = [];
  for (const version of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    if (!version.isDirectory()) continue;
    if (!VERSION.test(version.name)) {
      problems.push(`notices/${version.name}: a version directory is named like 2026-01`);
      continue;
    }
    for (const file of readdirSync(join(dir, version.name)).sort()) {
      const locale = file.replace(/\.md$/, '');
      if (!file.endsWith('.md') || !LOCALE.test(locale)) {
        problems.push(`notices/${version.name}/${file}: a notice file is named <locale>.md, e.g. en-GB.md`);
        continue;
      }
      notices.push({
        version: version.name,
        locale,
        hash: noticeHash(readFileSync(join(dir, version.name, file), 'utf8')),
      });
    }
  }
  if (problems.length > 0) throw new NoticeFilesError(problems.join('\n'));
  return notices;
}

@Injectable()
export class NoticeRegistry {
  private readonly notices: readonly Notice[];

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.notices = loadNotices(join(config.policyDir, 'notices'));
  }

  all(): readonly Notice[] {
    return this.notices;
  }

  /** The notice of this version in this locale (locales compare case-insensitively), or refused. */
  require(version: string, locale: string): Notice {
    const wanted = locale.toLowerCase();
    const notice = this.notices.find((n) => n.version === version && n.locale.toLowerCase() === wanted);
    if (notice === undefined) throw new UnknownNoticeError();
    return notice;
  }
}

export class NoticeView {
  @ApiProperty({ example: '2026-01' }) version!: string;
  @ApiProperty({ example: 'de-DE' }) locale!: string;
  @ApiProperty({ description: 'SHA-256 (hex) of the notice text, recorded with each consent to it' })
  hash!: string;
}

export class NoticeList {
  @ApiProperty({ type: NoticeView, isArray: true }) items!: NoticeView[];
}

@ApiTags('subjects')
@ApiBearerAuth()
@Controller('v1/notices')
export class NoticesController {
  constructor(private readonly notices: NoticeRegistry) {}

  @Get()
  @Roles('operator', 'reviewer', 'senior_reviewer', 'auditor', 'privacy_officer')
  @ApiOperation({
    summary: 'The privacy notices a consent may name, with their hashes',
    operationId: 'listNotices',
  })
  list(): NoticeList {
    return { items: this.notices.all().map((n) => ({ version: n.version, locale: n.locale, hash: n.hash })) };
  }
}
