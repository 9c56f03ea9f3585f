import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';

/*
 * Searching files on disk for destroyed keys (docs/privacy.md, "What destruction reaches"): the tests that
 * check a crypto-shred reaches the disk, on SQLite and on PostgreSQL.
 */

/** Byte patterns of one wrapped key: as stored (base64 text), raw, hex, and the ciphertext part alone. */
function patternsOf(wrappedKey: string): { name: string; bytes: Buffer }[] {
  const raw = Buffer.from(wrappedKey, 'base64');
  return [
    { name: 'base64', bytes: Buffer.from(wrappedKey, 'utf8') },
    // A fragment too, in case the row was partly overwritten: base64 characters 40..72 encode bytes 30..54.
    { name: 'base64 fragment', bytes: Buffer.from(wrappedKey.slice(40, 72), 'utf8') },
    { name: 'raw', bytes: raw },
    { name: 'raw ciphertext', bytes: raw.subarray(28) },
    { name: 'hex', bytes: Buffer.from(raw.toString('hex'), 'utf8') },
  ];
}

export function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** Every (file, form) in which one of the keys is still found. */
export function occurrences(files: readonly string[], wrappedKeys: readonly string[]): string[] {
  const found: string[] = [];
  for (const file of files) {
    const content = readFileSync(file);
    for (const key of wrappedKeys) {
      for (const { name, bytes } of patternsOf(key)) {
        if (content.includes(bytes)) found.push(`${file}: ${name} of a destroyed key`);
      }
    }
  }
  return found;
}

/**
 * The heap file of a PostgreSQL table and its 1 GB segments (.1, .2, …), after a CHECKPOINT has written its
 * pages as they are now; the free-space and visibility maps hold no tuples. A string (why) when this server's
 * files cannot be flushed or read from here.
 */
export async function heapSegments(databaseUrl: string, table: string): Promise<string[] | string> {
  const admin = new Client({ connectionString: databaseUrl });
  await admin.connect();
  let dataDirectory: string;
  let relationPath: string;
  try {
    // Needs superuser or pg_checkpoint.
    await admin.query('CHECKPOINT');
    dataDirectory = (await admin.query<{ d: string }>('SELECT current_setting($1) AS d', ['data_directory']))
      .rows[0]!.d;
    relationPath = (await admin.query<{ p: string }>('SELECT pg_relation_filepath($1) AS p', [table]))
      .rows[0]!.p;
  } catch (error) {
    return `cannot flush or locate the table's files on this server (${(error as Error).message})`;
  } finally {
    await admin.end();
  }
  const main = join(dataDirectory, relationPath);
  try {
    readFileSync(main);
  } catch (error) {
    // The server runs as another user on this machine, or on another machine: its files are out of reach.
    return `the server's data directory is not readable here (${(error as Error).message})`;
  }
  const segments = [main];
  for (let n = 1; existsSync(`${main}.${n}`); n += 1) segments.push(`${main}.${n}`);
  return segments;
}
