/** The seed's side of the service's JSON API: where the service is, its admin credentials, and the calls. */
export class SeedError extends Error {
  override name = 'SeedError';
}

export interface Settings {
  baseUrl: string;
  adminUser: string;
  adminPassword: string;
}

export function readSettings(env: NodeJS.ProcessEnv): Settings {
  const baseUrl = (env.SERVICE_URL?.trim() || env.SEED_URL?.trim() || `http://127.0.0.1:${env.PORT?.trim() || '3000'}`).replace(/\/+$/, '');
  const adminPassword = env.ADMIN_PASSWORD;
  if (!adminPassword) {
    throw new SeedError(
      'ADMIN_PASSWORD is not set. The seed talks to a running service with its admin credentials:\n' +
        '  1. in one terminal:  npm start   (it prints "admin:<password>" when ADMIN_USERNAME/ADMIN_PASSWORD are not set)\n' +
        '  2. in another:       ADMIN_PASSWORD=<password> npm run seed\n' +
        `(ADMIN_USERNAME defaults to "admin"; the service is looked for at ${baseUrl}: set SERVICE_URL, or PORT, to point elsewhere.)`,
    );
  }
  return { baseUrl, adminUser: env.ADMIN_USERNAME?.trim() || 'admin', adminPassword };
}

/** The service's JSON API, as an admin or as a customer. */
export class Api {
  constructor(private readonly settings: Settings) {}

  private get adminAuth(): string {
    return `Basic ${Buffer.from(`${this.settings.adminUser}:${this.settings.adminPassword}`).toString('base64')}`;
  }

  async call<T>(method: string, path: string, options: { auth: 'admin' | { bearer: string }; body?: unknown }): Promise<T> {
    const url = `${this.settings.baseUrl}${path}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: {
          Authorization: options.auth === 'admin' ? this.adminAuth : `Bearer ${options.auth.bearer}`,
          ...(options.body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: AbortSignal.timeout(15_000),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new SeedError(
        `Cannot reach the service at ${this.settings.baseUrl} (${cause?.code ?? cause?.message ?? (error as Error).message}).\n` +
          'Start it first with `npm start` in another terminal, or point SERVICE_URL (or PORT) at it.',
      );
    }
    const text = await res.text();
    let json: { success?: boolean; data?: T; error?: { code?: string; message?: string } } = {};
    try {
      json = JSON.parse(text) as typeof json;
    } catch {
      // not JSON: reported below
    }
    if (res.status === 401 && options.auth === 'admin') {
      throw new SeedError(
        `The service at ${this.settings.baseUrl} rejected the admin credentials (401). Use the ones \`npm start\` printed: ` +
          'ADMIN_PASSWORD=<password> (and ADMIN_USERNAME if it is not "admin").',
      );
    }
    if (!res.ok || json.success !== true) {
      const reason = json.error ? `${json.error.code ?? ''} ${json.error.message ?? ''}`.trim() : text.slice(0, 300);
      throw new SeedError(`${method} ${path} answered ${res.status}: ${reason}`);
    }
    return json.data as T;
  }
}
