import { spawnSync } from 'node:child_process';

/**
 * Installs Debian packages a test needs when they are missing (the build machines reach Debian's
 * mirrors; nothing else can be downloaded), each apt step bounded to 5 minutes. Returns null when
 * `present()` holds afterwards, else why not.
 */
export function ensureDebianPackages(packages: string[], present: () => boolean): string | null {
  if (present()) return null;
  const apt = (...args: string[]) => spawnSync('apt-get', args, { encoding: 'utf8', timeout: 300_000, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  const update = apt('update');
  const install = update.status === 0 ? apt('install', '-y', ...packages) : update;
  if (install.status === 0 && present()) return null;
  const why = install.error?.message ?? install.stderr?.trim().split('\n').slice(-1)[0] ?? `exit ${String(install.status)}`;
  return `apt-get could not install ${packages.join(', ')}: ${why}`;
}
