import { expect } from 'chai';
import express from 'express';
import { MongoNetworkError, MongoServerError, MongoServerSelectionError, MongoNotConnectedError } from 'mongodb';
import request from 'supertest';
import winston from 'winston';
import { isDatabaseUnavailable, isDatabaseUnreachable } from '../../src/infra/database/availability.js';
import { errorHandler } from '../../src/http/error-handler.js';

describe('a database that cannot be reached', function () {
  const selection = () => new MongoServerSelectionError('Server selection timed out after 1000 ms', { servers: new Map(), error: undefined } as never);

  it('is told apart from bugs and bad requests, also when wrapped', function () {
    expect(isDatabaseUnavailable(new MongoNetworkError('connection 2 to 127.0.0.1:27017 closed'))).to.equal(true);
    expect(isDatabaseUnavailable(selection())).to.equal(true);
    expect(isDatabaseUnavailable(new MongoNotConnectedError('not connected'))).to.equal(true);
    expect(isDatabaseUnavailable(new MongoServerError({ code: 91, errmsg: 'shutdown in progress' }))).to.equal(true);
    expect(isDatabaseUnavailable(new Error('unit of work failed', { cause: new MongoNetworkError('reset') }))).to.equal(true);
    const poolCleared = Object.assign(new Error('Connection pool for 127.0.0.1:27017 was cleared'), { name: 'MongoPoolClearedError' });
    expect(isDatabaseUnavailable(poolCleared)).to.equal(true);

    // FerretDB over SQLite, too busy to take the file's lock in time (seen with 32 clients at 10 000 customers).
    const busy = new MongoServerError({ code: 1, errmsg: 'database is locked (5) (SQLITE_BUSY)' });
    expect(isDatabaseUnavailable(busy)).to.equal(true);
    expect(isDatabaseUnreachable(busy), 'busy is not unreachable: it must not mark the database down').to.equal(false);

    expect(isDatabaseUnavailable(new MongoServerError({ code: 11000, errmsg: 'E11000 duplicate key' }))).to.equal(false);
    expect(isDatabaseUnavailable(new MongoServerError({ code: 1, errmsg: 'some internal error' }))).to.equal(false);
    expect(isDatabaseUnavailable(new TypeError('x is undefined'))).to.equal(false);
    expect(isDatabaseUnavailable(undefined)).to.equal(false);
  });

  it('is answered 503 with Retry-After, never 500', async function () {
    const app = express();
    app.get('/network', () => {
      throw new MongoNetworkError('connection 5 to 127.0.0.1:27017 closed');
    });
    app.get('/selection', () => {
      throw selection();
    });
    app.get('/bug', () => {
      throw new TypeError('bug');
    });
    app.get('/busy', () => {
      throw new MongoServerError({ code: 1, errmsg: 'database is locked (5) (SQLITE_BUSY)' });
    });
    app.use(errorHandler(winston.createLogger({ silent: true })));
    for (const path of ['/network', '/selection']) {
      const res = await request(app).get(path);
      expect(res.status, path).to.equal(503);
      expect(res.headers['retry-after']).to.equal('1');
      expect(res.body).to.deep.equal({ success: false, error: { code: 'SERVICE_UNAVAILABLE', message: 'The database is unreachable; try again shortly' } });
    }
    const busy = await request(app).get('/busy');
    expect(busy.status).to.equal(503);
    expect(busy.headers['retry-after']).to.equal('1');
    expect(busy.body.error).to.deep.equal({ code: 'SERVICE_UNAVAILABLE', message: 'The database is too busy; try again shortly' });
    expect((await request(app).get('/bug')).status).to.equal(500);
  });
});
