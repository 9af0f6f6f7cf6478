/**
 * Debian's Chromium (apt package `chromium`, /usr/bin/chromium) driven headless by playwright-core — no browser is
 * downloaded — in a fresh profile folder removed afterwards. Every request the pages make is recorded, so a test can
 * assert that nothing left the loopback interface.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = process.env.PEREGRINE_CHROMIUM ?? '/usr/bin/chromium';

export interface Browser {
  readonly context: BrowserContext;
  /** Every URL requested by any page of the context, in order. */
  readonly requests: string[];
  close(): Promise<void>;
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `the browser tests need Debian's Chromium at ${CHROMIUM}: run \`apt-get install chromium\` (.ci/run does)`,
    );
  const profile = mkdtempSync(join(tmpdir(), 'peregrine-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 1700 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // no name resolution at all: the tests use 127.0.0.1 literally
      '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1',
    ],
  });
  const requests: string[] = [];
  context.on('request', (r) => requests.push(r.url()));
  return {
    context,
    requests,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
