import winston from 'winston';

const isProduction = process.env.NODE_ENV === 'production';

/**
 * The one logger of the process. JSON in production (for log shippers), a readable single line
 * otherwise. The level comes from LOG_LEVEL; config validates it, but the logger must exist before
 * config is read so that config errors can be logged.
 */
export const logger = winston.createLogger({
  level: process.env.LOG_LEVEL ?? 'info',
  format: isProduction
    ? winston.format.combine(winston.format.timestamp(), winston.format.errors({ stack: true }), winston.format.json())
    : winston.format.combine(
        winston.format.timestamp({ format: 'HH:mm:ss.SSS' }),
        winston.format.errors({ stack: true }),
        winston.format.printf(({ timestamp, level, message, ...meta }) => {
          const rest = Object.keys(meta).length ? ' ' + JSON.stringify(meta) : '';
          return `${String(timestamp)} ${level} ${String(message)}${rest}`;
        }),
      ),
  transports: [new winston.transports.Console({ stderrLevels: ['error', 'warn'] })],
});

export type Logger = typeof logger;

/** Applies the validated configuration (config is read after the logger exists). */
export function configureLogger(level: string, json: boolean): void {
  logger.level = level;
  if (json !== isProduction) {
    logger.format = json
      ? winston.format.combine(winston.format.timestamp(), winston.format.errors({ stack: true }), winston.format.json())
      : logger.format;
  }
}
