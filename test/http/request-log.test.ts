import { expect } from 'chai';
import { captureLogs, type LogLine } from '../support/log-capture.js';
import { adminAuth, startTestSystem, type TestSystem } from '../support/system.js';

/** Issue 8: a quiet log while the dashboard is open, and refused or unknown requests that can be found. */
describe('request log', function () {
  let sys: TestSystem;
  before(async () => (sys = await startTestSystem()));
  after(async () => sys?.shutdown());

  const requests = (lines: LogLine[]) => lines.filter((l) => l.message === 'request');

  it('logs the dashboard\'s polling at debug; opening it, operator actions and the API at info', async function () {
    const lines = await captureLogs(async () => {
      await sys.http.get('/admin/jobs/').set('Authorization', adminAuth);
      await sys.http.get('/admin/jobs/api/stats').set('Authorization', adminAuth);
      await sys.http.get('/admin/jobs/api').query({ limit: 5 }).set('Authorization', adminAuth);
      await sys.http.post('/admin/jobs/api/jobs/retry').set('Authorization', adminAuth).send({ jobIds: [] });
      await sys.http.get('/health');
    });
    const [page, stats, list, action, health] = requests(lines);
    expect(page).to.include({ level: 'info', status: 200 });
    expect(stats).to.include({ level: 'debug', route: '/admin/jobs/api/stats', status: 200 });
    expect(list).to.include({ level: 'debug' });
    expect(action).to.include({ level: 'info', method: 'POST' });
    expect(health).to.include({ level: 'info', route: '/health' });
  });

  it('logs the path of a 404 and of an auth refusal, never the query string or the token', async function () {
    const token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2VjcmV0LXNpZ25hdHVyZQ';
    const lines = await captureLogs(async () => {
      await sys.http.get('/api/nowhere?apiKey=hunter2').set('Authorization', `Bearer ${token}`);
      await sys.http.get('/api/admin/pools?token=hunter3');
      await sys.http.get('/api/admin/not-a-route').set('Authorization', adminAuth);
    });
    const [unknown, refused, adminUnknown] = requests(lines);
    expect(unknown).to.include({ route: 'unmatched', path: '/api/nowhere', status: 401 });
    expect(refused).to.include({ route: 'unmatched', path: '/api/admin/pools', status: 401 });
    expect(adminUnknown).to.include({ path: '/api/admin/not-a-route', status: 404 });
    const text = JSON.stringify(lines);
    for (const secret of ['hunter2', 'hunter3', token, adminAuth.slice(6)]) expect(text).to.not.contain(secret);
  });
});
