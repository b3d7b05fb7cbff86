import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { ensureDebianPackages } from '../support/apt.js';

export const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * Debian's Chromium (no browser download works on the build machines). Installs it with apt-get
 * when missing, bounded in time; when it can't be had, the suite is skipped with the reason printed.
 */
export function ensureChromiumOrSkip(suite: Mocha.Context): void {
  const why = ensureDebianPackages(['chromium', 'fonts-noto-color-emoji'], () => existsSync(CHROMIUM));
  if (!why) return;
  console.log(`      skipped: ${CHROMIUM} is missing and ${why}`);
  suite.skip();
}

/** A headless Chromium with a fresh profile (the --user-data-dir of a persistent context). */
export async function launchChromium(httpCredentials?: { username: string; password: string }): Promise<BrowserContext> {
  return chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'checkout-rewards-chromium-')), {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    httpCredentials,
    viewport: { width: 1280, height: 900 },
  });
}
