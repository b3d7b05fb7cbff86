import { spawn, type ChildProcess } from 'node:child_process';
import { testMongo } from './test-run.js';

/**
 * A real `npm run worker` process (run from source through tsx, as `npm run worker` runs the
 * build of the same code) on the test run's MongoDB, in the given database. Fault tests SIGKILL
 * it; `stop()` sends SIGTERM and waits, and every process is ended by its PID at the latest by
 * `killAll()`.
 */
export class WorkerProcess {
  private static readonly all = new Set<WorkerProcess>();
  readonly child: ChildProcess;
  output = '';
  readonly exited: Promise<number | null>;

  private constructor(env: Record<string, string>) {
    this.child = spawn(process.execPath, ['--import', 'tsx', 'src/worker.ts'], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.child.stderr!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
    WorkerProcess.all.add(this);
    void this.exited.then(() => WorkerProcess.all.delete(this));
  }

  /** Starts a worker and resolves once it has started (connected, Agenda running, signal handlers set). */
  static async start(dbName: string, env: Record<string, string> = {}): Promise<WorkerProcess> {
    const { uri } = await testMongo();
    const worker = new WorkerProcess({
      NODE_ENV: 'test',
      MONGODB_URI: uri,
      MONGODB_DB: dbName,
      LOG_LEVEL: 'info',
      JOB_PROCESS_EVERY_MS: '100',
      JOB_BACKOFF_DELAY_MS: '100',
      JOB_BACKOFF_JITTER: '0',
      ...env,
    });
    await worker.waitForOutput(/ info started /, 60_000);
    return worker;
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Resolves once the output contains `text` (e.g. a failpoint's message), or rejects after `timeoutMs`. */
  async waitForOutput(text: string | RegExp, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const found = () => (typeof text === 'string' ? this.output.includes(text) : text.test(this.output));
    while (!found()) {
      if (this.child.exitCode !== null) throw new Error(`worker ${this.pid} exited (${this.child.exitCode}) before printing ${String(text)}:\n${this.output}`);
      if (Date.now() > deadline) throw new Error(`worker ${this.pid} did not print ${String(text)} within ${timeoutMs} ms:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** How many times `text` appears in the output so far. */
  count(text: string): number {
    return this.output.split(text).length - 1;
  }

  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }

  /** Graceful stop (SIGTERM), bounded: SIGKILL after `timeoutMs`. Returns the exit code. */
  async stop(timeoutMs = 20_000): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.child.exitCode;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  static async killAll(): Promise<void> {
    await Promise.all([...WorkerProcess.all].map((w) => w.kill()));
  }
}
