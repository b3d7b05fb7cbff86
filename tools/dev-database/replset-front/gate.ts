/**
 * Serial execution: one open transaction at a time, and no other command while it is open; a
 * write outside a transaction runs alone (so FerretDB's read-then-write findAndModify is atomic);
 * reads outside a transaction run together. FIFO, so a writer is not starved by readers.
 *
 * This is stronger isolation than MongoDB's snapshot isolation: no write skew can show through
 * the front, and a test that needs isolation passes here for a stronger reason than on mongod.
 */
type Mode = 'shared' | 'exclusive';

interface Waiter {
  mode: Mode;
  grant: () => void;
}

export type Release = () => void;

export class Gate {
  private shared = 0;
  private exclusive = false;
  private queue: Waiter[] = [];

  acquire(mode: Mode): Promise<Release> {
    return new Promise((resolve) => {
      this.queue.push({ mode, grant: () => resolve(this.releaser(mode)) });
      this.pump();
    });
  }

  private releaser(mode: Mode): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (mode === 'exclusive') this.exclusive = false;
      else this.shared--;
      this.pump();
    };
  }

  private pump(): void {
    while (this.queue.length > 0 && !this.exclusive) {
      const head = this.queue[0]!;
      if (head.mode === 'exclusive') {
        if (this.shared > 0) return;
        this.queue.shift();
        this.exclusive = true;
        head.grant();
        return;
      }
      this.queue.shift();
      this.shared++;
      head.grant();
    }
  }
}

/** Runs one piece at a time, in order. */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn);
    this.tail = next.catch(() => undefined);
    return next;
  }
}
