import type { Agenda } from 'agenda';

interface PollingProcessor {
  process: () => Promise<void>;
}

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
  const processor = (agenda as unknown as { jobProcessor?: PollingProcessor }).jobProcessor;
  if (!processor || typeof processor.process !== 'function') {
    throw new Error('agenda internals changed: no jobProcessor.process to guard (written for agenda 6.2.6)');
  }
  const poll = processor.process.bind(processor);
  let inFlight: Promise<void> | undefined;
  processor.process = () => {
    if (inFlight) return inFlight;
    inFlight = poll().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };
}
