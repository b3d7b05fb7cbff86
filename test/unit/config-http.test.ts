import { expect } from 'chai';
import { loadConfig } from '../../config/index.js';

const production = { NODE_ENV: 'production', ADMIN_USERNAME: 'ops', ADMIN_PASSWORD: 'a-long-password', TOKEN_SECRET: 'x'.repeat(32) };

describe('config: the HTTP server', function () {
  it('listens on this machine only in development, on every interface in production', function () {
    expect(loadConfig({}).http.host).to.equal('127.0.0.1');
    expect(loadConfig({ NODE_ENV: 'test' }).http.host).to.equal('127.0.0.1');
    expect(loadConfig(production).http.host).to.equal('0.0.0.0');
    expect(loadConfig({ ...production, HOST: '10.0.0.5' }).http.host).to.equal('10.0.0.5');
    expect(loadConfig({ HOST: '::' }).http.host).to.equal('::');
    expect(loadConfig({ HOST: 'localhost' }).http.host).to.equal('localhost');
  });

  it('bounds slow requests and the shutdown wait by default', function () {
    expect(loadConfig({}).http).to.deep.include({ requestTimeoutMs: 30_000, headersTimeoutMs: 10_000, keepAliveTimeoutMs: 5_000, shutdownGraceMs: 5_000 });
    expect(loadConfig({ HTTP_REQUEST_TIMEOUT_MS: '60000', SHUTDOWN_HTTP_GRACE_MS: '0' }).http).to.deep.include({ requestTimeoutMs: 60_000, shutdownGraceMs: 0 });
  });

  it('rejects a bad value naming the variable', function () {
    expect(() => loadConfig({ HOST: 'not a host!' })).to.throw(/Invalid HOST="not a host!"/);
    expect(() => loadConfig({ HTTP_REQUEST_TIMEOUT_MS: '10' })).to.throw(/Invalid HTTP_REQUEST_TIMEOUT_MS/);
    expect(() => loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '40000' })).to.throw(/HTTP_HEADERS_TIMEOUT_MS=40000: must not exceed HTTP_REQUEST_TIMEOUT_MS/);
  });
});

describe('config: where /metrics and /ready\'s detail are served', function () {
  it('on the public port outside production; in production only when PUBLIC_METRICS=true', function () {
    expect(loadConfig({}).metrics).to.deep.equal({ port: undefined, public: true });
    expect(loadConfig({ NODE_ENV: 'test' }).metrics.public).to.equal(true);
    expect(loadConfig(production).metrics).to.deep.equal({ port: undefined, public: false });
    expect(loadConfig({ ...production, HOST: '127.0.0.1' }).metrics.public, 'a proxy on this machine would publish them').to.equal(false);
    expect(loadConfig({ ...production, PUBLIC_METRICS: 'true' }).metrics.public).to.equal(true);
    expect(loadConfig({ PUBLIC_METRICS: 'false' }).metrics.public).to.equal(false);
  });

  it('on an internal port of their own with METRICS_PORT (0: a free one)', function () {
    expect(loadConfig({ ...production, METRICS_PORT: '9464' }).metrics).to.deep.equal({ port: 9464, public: false });
    expect(loadConfig({ METRICS_PORT: '0' }).metrics.port).to.equal(0);
  });

  it('rejects a bad value naming the variable', function () {
    expect(() => loadConfig({ METRICS_PORT: '70000' })).to.throw(/Invalid METRICS_PORT="70000"/);
    expect(() => loadConfig({ METRICS_PORT: 'metrics' })).to.throw(/Invalid METRICS_PORT="metrics"/);
    expect(() => loadConfig({ PORT: '8080', METRICS_PORT: '8080' })).to.throw(/Invalid METRICS_PORT=8080: must differ from PORT/);
    expect(() => loadConfig({ METRICS_PORT: '3000' })).to.throw(/Invalid METRICS_PORT=3000: must differ from PORT \(3000\)/);
    expect(() => loadConfig({ PUBLIC_METRICS: 'maybe' })).to.throw(/Invalid PUBLIC_METRICS="maybe"/);
  });
});
