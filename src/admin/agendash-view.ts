import type { Agenda, JobsOverview, JobsQueryOptions, JobState } from 'agenda';
import type { Db } from 'mongodb';
import { countJobsByState } from '../infra/queue/count-jobs-by-state.js';
import { queryJobsPage } from '../infra/queue/query-jobs-page.js';

/** Every state Agenda's computeJobState gives a job (and 'paused'): what Agendash lists by. */
export const JOB_STATES = ['running', 'scheduled', 'queued', 'completed', 'failed', 'repeating', 'paused'] as const satisfies readonly JobState[];

/** The count the overview already holds for a list narrowed by name (or not) and state (or not). */
function totalFrom(overview: JobsOverview[], name: string | undefined, state: JobState | undefined): number {
  const field = state ?? 'total';
  return overview.filter((o) => name === undefined || o.name === name).reduce((sum, o) => sum + o[field], 0);
}

/**
 * What Agendash's controller calls to answer its list (`getJobsOverview`, `queryJobs`), answered
 * at a cost that does not grow with the finished jobs in the collection (see countJobsByState
 * and queryJobsPage). One view per request: the overview is computed once and also gives the
 * list's total. `data` narrows the list to jobs with that data (the Property/Value filter).
 */
export function agendashView(db: Db, data?: Record<string, unknown>): Agenda {
  let overview: Promise<JobsOverview[]> | undefined;
  const getJobsOverview = () => (overview ??= countJobsByState(db));
  const queryJobs = async (options: JobsQueryOptions) => {
    if (options.state !== undefined && !(JOB_STATES as readonly JobState[]).includes(options.state)) return { jobs: [], total: 0 };
    const name = typeof options.name === 'string' && options.name ? options.name : undefined;
    return queryJobsPage(db, { ...options, ...(data ? { data } : {}) }, async (state) => totalFrom(await getJobsOverview(), name, state));
  };
  return { getJobsOverview, queryJobs } as unknown as Agenda; // AgendashController.getJobs calls only these two
}
