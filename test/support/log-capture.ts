import { Writable } from 'node:stream';
import winston from 'winston';
import { logger } from '../../src/infra/logger.js';

export interface LogLine {
  level: string;
  message: string;
  [key: string]: unknown;
}

/** Captures every log line (at `silly`) as objects while `run` runs; the console stays quiet. */
export async function captureLogs(run: () => Promise<void>): Promise<LogLine[]> {
  const lines: LogLine[] = [];
  const memory = new winston.transports.Stream({
    format: winston.format.json(),
    stream: new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as LogLine);
        done();
      },
    }),
  });
  const level = logger.level;
  const consoles = logger.transports.filter((t) => t instanceof winston.transports.Console);
  logger.level = 'silly';
  for (const t of consoles) t.silent = true;
  logger.add(memory);
  try {
    await run();
  } finally {
    logger.remove(memory);
    for (const t of consoles) t.silent = false;
    logger.level = level;
  }
  return lines;
}
