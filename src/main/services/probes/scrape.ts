/**
 * Fetches and parses one exposition within a deadline: the shared first
 * half of the Prometheus probe and `flightdeck scrape`. Redirects are not
 * followed (a scrape target that redirects is misconfigured).
 */
import type { Dispatcher } from 'undici';
import { parseExposition, type Exposition } from '../prometheus/exposition-parser';
import { boundedRequest } from './bounded-request';
import type { Deadline } from './deadline';

/** Big services expose a few MB; more than this is refused rather than half-read. */
export const MAX_EXPOSITION_BYTES = 16 * 1024 * 1024;

export class ScrapeRefused extends Error {}

export async function scrapeExposition(url: URL, headers: Record<string, string>, dispatcher: Dispatcher, deadline: Deadline): Promise<Exposition> {
  const response = await boundedRequest({
    url,
    method: 'GET',
    headers: { accept: 'text/plain;version=0.0.4', ...headers },
    maxBodyBytes: MAX_EXPOSITION_BYTES,
    dispatcher,
    deadline,
  });
  if (response.status !== 200) throw new ScrapeRefused(`HTTP ${response.status} (expected 200)`);
  if (response.truncated) throw new ScrapeRefused(`exposition larger than ${MAX_EXPOSITION_BYTES / 1024 / 1024} MB`);
  return parseExposition(response.body.toString('utf8'));
}
