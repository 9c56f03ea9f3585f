import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import compression from 'compression';
import type { RequestHandler } from 'express';
import helmet from 'helmet';

/** Where the console is served. */
export const CONSOLE_PATH = '/console';

/**
 * The built console (`npm run build` writes it to dist/console): next to the compiled app, or, when the app runs
 * from its sources (tests, `tsx`), in dist/console of the repository. `CONSOLE_DIR` names another folder.
 */
export function consoleDirectory(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = [
    env.CONSOLE_DIR,
    join(__dirname, '..', '..', 'console'),
    join(__dirname, '..', '..', '..', 'dist', 'console'),
  ];
  return candidates.find(
    (dir): dir is string => dir !== undefined && dir !== '' && existsSync(join(dir, 'index.html')),
  );
}

/**
 * The console's own content security policy: its script and style files only, from this origin (no inline code,
 * no CDN), calls to this origin only, no framing, no plugins, no form posts elsewhere.
 */
export const CONSOLE_CSP = {
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  fontSrc: ["'self'"],
  manifestSrc: ["'self'"],
  formAction: ["'self'"],
  baseUri: ["'none'"],
  frameAncestors: ["'none'"],
  objectSrc: ["'none'"],
} as const;

/** Security headers of the console: helmet with the policy above, never cached (it carries no secrets either). */
export function consoleHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives: CONSOLE_CSP },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    referrerPolicy: { policy: 'no-referrer' },
  });
}

/**
 * Serves the console's static files under /console (gzip-compressed), or, when it was not built, a problem
 * document saying how to build it. The console's data comes from the same API as any client's, with the same
 * authorization.
 */
export function serveConsole(app: NestExpressApplication, dir = consoleDirectory()): void {
  app.use(CONSOLE_PATH, consoleHeaders(), compression());
  if (dir === undefined) {
    app.use(CONSOLE_PATH, ((_req, res) => {
      res
        .status(503)
        .type('application/problem+json')
        .send(
          JSON.stringify({
            type: 'https://kyc-ledger.dev/problems/console_not_built',
            title: 'The console is not built',
            status: 503,
            code: 'console_not_built',
            detail: 'Run npm run build (it writes dist/console), or set CONSOLE_DIR.',
          }),
        );
    }) as RequestHandler);
    return;
  }
  app.useStaticAssets(dir, {
    prefix: `${CONSOLE_PATH}/`,
    index: 'index.html',
    redirect: true,
    fallthrough: true,
    dotfiles: 'ignore',
  });
}
