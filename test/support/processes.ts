/**
 * Real OS processes for fault tests (docs/testing.md, "Faults with real processes"): started the way
 * the README says, watched through their output, signalled by PID, and every one of them (and
 * every descendant seen) killed by PID when the test ends. Every wait is bounded.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export const ROOT = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');

export interface Proc {
  name: string;
  child: ChildProcess;
  pid: number;
  /** Everything it printed so far (stdout and stderr interleaved). */
  output(): string;
  /** Resolves with the first match of `pattern` in the output (printed so far or later). */
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

/** PID → its start time (/proc stat): a PID reused by another process is never killed. */
const started = new Map<number, string>();

/** The environment a spawned process gets: PATH and HOME only, plus what the test names. */
export function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: `${process.env.PATH ?? ''}:/usr/local/go/bin`, HOME: process.env.HOME, ...extra };
}

export function startProcess(name: string, command: string, args: string[], env: Record<string, string>): Proc {
  const child = spawn(command, args, { cwd: ROOT, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid === undefined) throw new Error(`${name}: could not start ${command}`);
  const pid = child.pid;
  started.set(pid, startTime(pid));
  let text = '';
  const waiters = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    text += chunk.toString();
    if (text.length > 2_000_000) text = text.slice(-1_000_000);
    for (const w of waiters) w();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  let closed = false;
  child.once('close', () => {
    closed = true;
    for (const w of waiters) w();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.once('exit', (code, signal) => {
      resolve({ code, signal, at: Date.now() });
      for (const w of waiters) w();
    }),
  );
  const proc: Proc = {
    name,
    child,
    pid,
    output: () => text,
    exited,
    waitForOutput(pattern, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = pattern.exec(text);
          if (m) return done(m);
          // Not at exit but once its pipes are closed: its last lines may still be on their way.
          if (closed) done(new Error(`${name} exited before printing ${pattern}:\n${text.slice(-3000)}`));
        };
        const timer = setTimeout(() => done(new Error(`${name} did not print ${pattern} within ${timeoutMs} ms:\n${text.slice(-3000)}`)), timeoutMs);
        const done = (result: RegExpMatchArray | Error) => {
          clearTimeout(timer);
          waiters.delete(check);
          if (result instanceof Error) reject(result);
          else resolve(result);
        };
        waiters.add(check);
        check();
      });
    },
  };
  return proc;
}

/** `node --import tsx <entry>`, the way the tests run TypeScript entry points. */
export function startNode(name: string, entry: string, args: string[], env: Record<string, string>): Proc {
  return startProcess(name, process.execPath, ['--import', 'tsx', entry, ...args], env);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A zombie (exited, not yet reaped) is not running.
  const state = statFields(pid)[0];
  return state !== undefined && state !== 'Z';
}

/** Every live descendant of `pid` (children, grandchildren, …), read from /proc. */
export function descendants(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(Number(entry));
    if (fields.length > 1) parentOf.set(Number(entry), Number(fields[1]));
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0 && found.length < 1000) {
    const parent = queue.shift()!;
    for (const [child, ppid] of parentOf) {
      if (ppid === parent && !found.includes(child)) {
        found.push(child);
        queue.push(child);
      }
    }
  }
  return found.filter(isAlive);
}

function statFields(pid: number): string[] {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // pid (comm) state ppid …; comm may hold spaces and parentheses: split after the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return [];
  }
}

/** Clock ticks since boot when `pid` started (field 22 of /proc/PID/stat). */
function startTime(pid: number): string {
  return statFields(pid)[19] ?? 'gone';
}

export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '(gone)';
  }
}

/** Waits until none of `pids` runs; returns those still running after `timeoutMs`. */
export async function waitGone(pids: number[], timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  let alive = pids.filter(isAlive);
  while (alive.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    alive = alive.filter(isAlive);
  }
  return alive;
}

/** Registers descendants to be killed at the end too (they outlive their parent if orphaned). */
export function track(pids: number[]): void {
  for (const pid of pids) if (!started.has(pid)) started.set(pid, startTime(pid));
}

/** SIGKILLs, by PID, every process a test started (and every descendant tracked) that still runs. */
export async function killAllStarted(): Promise<void> {
  for (const pid of [...started.keys()]) if (isAlive(pid)) track(descendants(pid));
  for (const [pid, since] of started) {
    if (!isAlive(pid) || startTime(pid) !== since) continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  await waitGone([...started.keys()], 5_000);
  started.clear();
}
