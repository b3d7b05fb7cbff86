import winston from 'winston';
import { readEarlyLogSettings } from '../../config/index.js';

const jsonFormat = winston.format.combine(winston.format.timestamp(), winston.format.errors({ stack: true }), winston.format.json());
const readableFormat = winston.format.combine(
  winston.format.timestamp({ format: 'HH:mm:ss.SSS' }),
  winston.format.errors({ stack: true }),
  winston.format.printf(({ timestamp, level, message, ...meta }) => {
    const rest = Object.keys(meta).length ? ' ' + JSON.stringify(meta) : '';
    return `${String(timestamp)} ${level} ${String(message)}${rest}`;
  }),
);

const early = readEarlyLogSettings();

/**
 * The one logger of the process. JSON in production (for log shippers), a readable single line
 * otherwise. It must exist before config is loaded, so that config errors can be logged: until
 * configureLogger() applies the validated settings it goes by config's early reading of
 * NODE_ENV and LOG_LEVEL.
 */
export const logger = winston.createLogger({
  level: early.level,
  format: early.json ? jsonFormat : readableFormat,
  transports: [new winston.transports.Console({ stderrLevels: ['error', 'warn'] })],
});

export type Logger = typeof logger;

/** Applies the validated configuration. */
export function configureLogger(level: string, json: boolean): void {
  logger.level = level;
  logger.format = json ? jsonFormat : readableFormat;
}
