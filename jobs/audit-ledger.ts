import type { Agenda } from 'agenda';
import type { AppContext } from '../src/shared/context.js';
import { AUDIT_JOB_NAME, recordAudit } from '../src/books/record-audit.js';

/**
 * `audit-ledger`: the books audit (src/books/), on a schedule (AUDIT_EVERY, off-peak by default)
 * and when an admin asks (POST /api/admin/audit). One at a time per worker; a long audit renews
 * its lock as it goes, so no other worker starts the same run.
 */
export function defineAuditLedger(agenda: Agenda, ctx: AppContext): void {
  agenda.define(
    AUDIT_JOB_NAME,
    async (job) => {
      const trigger = (job.attrs.data as { trigger?: string } | undefined)?.trigger ?? 'schedule';
      await recordAudit(ctx, trigger, () => job.touch());
    },
    { concurrency: 1, lockLimit: 1 },
  );
}

export async function scheduleAuditLedger(agenda: Agenda, ctx: AppContext): Promise<void> {
  await agenda.every(ctx.config.books.auditEvery, AUDIT_JOB_NAME, { trigger: 'schedule' });
}
