/** Server error answers as mongod gives them, with the labels it attaches. */
import type { Document } from 'mongodb';

export const CODE_NAMES: Record<number, string> = {
  2: 'BadValue',
  6: 'HostUnreachable',
  7: 'HostNotFound',
  11: 'UserNotFound',
  13: 'Unauthorized',
  50: 'MaxTimeMSExpired',
  59: 'CommandNotFound',
  64: 'WriteConcernFailed',
  72: 'InvalidOptions',
  89: 'NetworkTimeout',
  91: 'ShutdownInProgress',
  93: 'InvalidReplicaSetConfig',
  103: 'NewReplicaSetConfigurationIncompatible',
  112: 'WriteConflict',
  115: 'CommandNotSupported',
  189: 'PrimarySteppedDown',
  251: 'NoSuchTransaction',
  256: 'TransactionCommitted',
  262: 'ExceededTimeLimit',
  9001: 'SocketException',
  10107: 'NotWritablePrimary',
  11000: 'DuplicateKey',
  11600: 'InterruptedAtShutdown',
  11602: 'InterruptedDueToReplStateChange',
  13435: 'NotPrimaryNoSecondaryOk',
  13436: 'NotPrimaryOrSecondary',
};

/** Codes after which a retryable write (and a commit) may be retried (retryable-writes spec). */
const RETRYABLE_CODES = new Set([6, 7, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436]);
/** Codes that abort a transaction in a way worth retrying whole. */
const TRANSIENT_CODES = new Set([112, 251, ...RETRYABLE_CODES]);

export interface ErrorContext {
  inTransaction: boolean;
  /** A write with a txnNumber outside a transaction, or a commit/abort. */
  retryable: boolean;
}

/** The labels mongod attaches to an error of `code` when the fail point names none. */
export function defaultLabels(code: number, context: ErrorContext): string[] {
  const labels: string[] = [];
  if (context.inTransaction && TRANSIENT_CODES.has(code)) labels.push('TransientTransactionError');
  if (context.retryable && RETRYABLE_CODES.has(code)) labels.push('RetryableWriteError');
  return labels;
}

export function errorReply(code: number, errmsg: string, labels: string[] = []): Document {
  return { ok: 0, errmsg, code, codeName: CODE_NAMES[code] ?? 'UnknownError', ...(labels.length > 0 ? { errorLabels: labels } : {}) };
}

export function noSuchTransaction(why: string): Document {
  return errorReply(251, `Transaction is not in progress: ${why}`, ['TransientTransactionError']);
}
