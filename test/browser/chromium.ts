import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * Debian's Chromium (no browser download works on the build machines). Installs it with apt-get
 * when missing, bounded in time; returns why not when it can't be had.
 */
export function ensureChromium(): string | null {
  if (existsSync(CHROMIUM)) return null;
  const apt = (...args: string[]) => spawnSync('apt-get', args, { encoding: 'utf8', timeout: 300_000, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  const update = apt('update');
  const install = update.status === 0 ? apt('install', '-y', 'chromium', 'fonts-noto-color-emoji') : update;
  if (install.status === 0 && existsSync(CHROMIUM)) return null;
  const why = install.error?.message ?? install.stderr?.trim().split('\n').slice(-1)[0] ?? `exit ${String(install.status)}`;
  return `${CHROMIUM} is missing and apt-get could not install chromium: ${why}`;
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
