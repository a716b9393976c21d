// `--at FIELD` and `--tz ZONE` of the commands that route an export: the leads read in time order
// (routing/replay.ts's inTimeOrder over a file read again as needed; standard input is first saved
// to a temporary file, so that it too can be read again), and the leads without a time reported.

import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { inTimeOrder, leadClock, leadTime, type LeadClock } from '../routing/replay';
import { checkReadable, errorMessage, usageError, type CliIO } from './io';
import { chooseLeadFormat, openLeads, readLeads, type LeadFormat, type LeadInput, type LeadRecord } from './leads';

export const AT_HELP = `  --at FIELD           Replay in time: route each lead at its own time, read from FIELD (a
                       column as written, e.g. "Created Time", or a dotted path) as a date-time
                       (ISO 8601, or an export's spelling: 04/15/2021 12:03 AM, 15 Apr, 2021
                       00:03:00), in time order, so that caps, hours, holidays and rotation
                       behave as they did. A file not in time order is read again to sort it
                       (16 bytes a lead, and once more per 100,000 leads; standard input is
                       saved to a temporary file first). A lead whose time cannot be read is
                       reported with its line and goes to the fallback: an exception decision
                       whose reason starts "no time to route at".
  --tz ZONE            With --at: the IANA zone of times written without one, e.g.
                       America/New_York. Default: UTC.
`;

/** The clock of --at/--tz, or null without --at; a bad one is a usage error. */
export function parseAtOptions(command: string, at: string | undefined, tz: string | undefined): LeadClock | null {
  if (at === undefined) {
    if (tz !== undefined) throw usageError(command, '--tz applies with --at only');
    return null;
  }
  try {
    return leadClock(at, tz);
  } catch (err) {
    throw usageError(command, `--at/--tz: ${errorMessage(err)}`);
  }
}

/** Where the leads of a run come from: batches in input order, or in time order with a clock. Call `close` when done. */
export interface LeadSource {
  batches: AsyncIterable<LeadRecord[]>;
  close(): void;
}

/** The leads of `file` (`-`: standard input) as batches, in time order when `clock` is given. */
export async function openLeadSource(file: string, format: LeadFormat, source: string, clock: LeadClock | null, io: CliIO): Promise<LeadSource> {
  const streams: Readable[] = [];
  const open = (path: string) => {
    const input = createReadStream(path);
    streams.push(input);
    return readLeads(input, format, source);
  };
  const closeStreams = () => {
    for (const s of streams) s.destroy();
  };
  if (clock === null) {
    const input = file === '-' ? io.stdin : undefined;
    return { batches: input === undefined ? open(file) : readLeads(input, format, source), close: closeStreams };
  }
  let path = file;
  let spool: string | null = null;
  if (file === '-') {
    spool = mkdtempSync(join(tmpdir(), 'leadroute-'));
    path = join(spool, 'stdin');
    await pipeline(io.stdin, createWriteStream(path));
  }
  const kept = spool;
  return {
    batches: inTimeOrder(() => open(path), (record) => timeOfRecord(clock, record)),
    close: () => {
      closeStreams();
      if (kept !== null) rmSync(kept, { recursive: true, force: true });
    },
  };
}

/** LEADS as openLeads opens it (checked, its format from --format or its name), in time order when `clock` is given. */
export async function openTimedLeads(command: string, file: string, clock: LeadClock | null, io: CliIO, format?: string): Promise<LeadInput> {
  if (clock === null) return openLeads(command, file, io, format);
  const chosen = chooseLeadFormat(command, file, format);
  if (file !== '-') checkReadable(command, 'leads', file);
  const source = file === '-' ? 'stdin' : file;
  return { ...(await openLeadSource(file, chosen, source, clock, io)), source };
}

/** How a report says when its leads were routed: `routed at ISO`, or each at its own time with --at. */
export function routedWhen(now: Date, at: string | undefined): string {
  return at === undefined ? `routed at ${now.toISOString()}` : `each routed at its own time (${at})`;
}

/** A record's time, or null when it has none (not a lead, or no readable time). */
export function timeOfRecord(clock: LeadClock, record: LeadRecord): number | null {
  if (record.lead === null) return null;
  const time = leadTime(clock, record.lead);
  return time.ok ? time.at : null;
}
