import type { Agenda } from 'agenda';

interface PollingProcessor {
  process: () => Promise<void>;
}

interface Guard {
  /** A poll now, or — one in flight — one more right after it. */
  soon(): void;
}

/** Per processor: Agenda builds a new one at each start(). */
const guards = new WeakMap<PollingProcessor, Guard>();

/**
 * Agenda 6.2.6's processor polls with `setInterval(() => this.process(), processEvery)` and does
 * not wait for the previous poll to end. On a server slower than the interval — FerretDB as its
 * tables grow, or any overloaded server — polls pile up, each one a lock query per job name, and
 * the server drowns in its own queue: in the long chaos run (300 purchases, 60 worker kills,
 * polls every 100 ms) a job's one read took 30 s and 204 purchases waited with two idle workers.
 *
 * After `agenda.start()` (which builds the processor), a poll that finds the previous one still
 * on its way skips its turn: a worker then polls at most once per `max(processEvery, poll time)`.
 * Agenda's internals are reached here and only here; if they change, this fails loudly at start.
 */
export function onePollAtATime(agenda: Agenda): void {
  guard(agenda);
}

/**
 * A job may be due now (a change notification, job-change-notifications.ts): poll through the
 * same guard — at once, or once more right after the poll in flight, which may have looked before
 * the job was there. A burst of notifications costs at most that: one poll running, one waiting.
 * Before the processor exists (Agenda still starting) it does nothing: its first poll comes next.
 */
export function pollSoon(agenda: Agenda): void {
  if (processorOf(agenda)) guard(agenda).soon();
}

function processorOf(agenda: Agenda): PollingProcessor | undefined {
  return (agenda as unknown as { jobProcessor?: PollingProcessor }).jobProcessor;
}

function guard(agenda: Agenda): Guard {
  const processor = processorOf(agenda);
  if (!processor || typeof processor.process !== 'function') {
    throw new Error('agenda internals changed: no jobProcessor.process to guard (written for agenda 6.2.6)');
  }
  const existing = guards.get(processor);
  if (existing) return existing;
  const poll = processor.process.bind(processor);
  let inFlight: Promise<void> | undefined;
  let again = false;
  const run = (): Promise<void> => {
    inFlight = poll().finally(() => {
      inFlight = undefined;
      if (again) {
        again = false;
        void run().catch(() => undefined);
      }
    });
    return inFlight;
  };
  processor.process = () => inFlight ?? run();
  const created: Guard = {
    soon() {
      if (inFlight) again = true;
      else void run().catch(() => undefined);
    },
  };
  guards.set(processor, created);
  return created;
}
