import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../../src/config/index.js';

describe('parseConfig', () => {
  it('starts on embedded defaults with an empty environment', () => {
    const c = parseConfig({});
    expect(c.http.port).toBe(3000);
    expect(c.db.uri).toBeUndefined();
    expect(c.db.embeddedPath).toBe('./data');
    expect(c.timeZone).toBe('Asia/Ho_Chi_Minh');
    expect(c.quietHours).toEqual({ start: '21:00', end: '07:00' });
    expect(c.admin.simulatorEnabled).toBe(true);
  });

  it('sends the weekly recap on Sunday 19:00 unless RECAP_CRON says otherwise or "off"', () => {
    expect(parseConfig({}).recap).toEqual({ cron: '0 19 * * 0' });
    expect(parseConfig({ RECAP_CRON: '30 7 * * 1' }).recap).toEqual({ cron: '30 7 * * 1' });
    expect(parseConfig({ RECAP_CRON: 'off' }).recap).toEqual({ cron: null });
    expect(() => parseConfig({ RECAP_CRON: 'every sunday' })).toThrowError(/RECAP_CRON/);
  });

  it('keeps the embedded database off TCP unless EMBEDDED_DB_PORT names a port (and a data directory holds its password)', () => {
    expect(parseConfig({}).db.embeddedPort).toBeNull();
    expect(parseConfig({ EMBEDDED_DB_PORT: '' }).db.embeddedPort).toBeNull();
    expect(parseConfig({ EMBEDDED_DB_PORT: '27017' }).db.embeddedPort).toBe(27017);
    expect(parseConfig({ EMBEDDED_DB_PORT: '0' }).db.embeddedPort).toBe(0);
    expect(() => parseConfig({ EMBEDDED_DB_PORT: '27017', EMBEDDED_DB_PATH: ':memory:' })).toThrowError(/EMBEDDED_DB_PORT: needs a data directory/);
  });

  it('trusts no proxy unless TRUST_PROXY names one: hops, addresses, subnets or express’s range names', () => {
    expect(parseConfig({}).http.trustProxy).toBe(false);
    expect(parseConfig({ TRUST_PROXY: '1' }).http.trustProxy).toBe(1);
    expect(parseConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8,2001:db8::1' }).http.trustProxy).toEqual(['loopback', '10.0.0.0/8', '2001:db8::1']);
    for (const bad of ['true', '*', '0', '10.0.0.0/33', 'proxy.example.org', 'loopback;rm']) {
      expect(() => parseConfig({ TRUST_PROXY: bad }), bad).toThrowError(/TRUST_PROXY: must be a number of hops/);
    }
  });

  it('names a wrong variable and the value it got', () => {
    expect(() => parseConfig({ PORT: 'abc' })).toThrowError(/PORT: must be a number \(got "abc"\)/);
  });

  it('lists every bad variable at once', () => {
    try {
      parseConfig({ PORT: '70000', MONGODB_URI: 'postgres://x', QUIET_HOURS: 'late', LOG_LEVEL: 'loud' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const names = (err as ConfigError).problems.map((p) => p.split(':')[0]);
      expect(names.sort()).toEqual(['LOG_LEVEL', 'MONGODB_URI', 'PORT', 'QUIET_HOURS']);
    }
  });

  it('never echoes a secret value in its message', () => {
    expect(() => parseConfig({ SESSION_SECRET: 'short-secret' })).toThrowError(ConfigError);
    try {
      parseConfig({ SESSION_SECRET: 'short-secret' });
    } catch (err) {
      expect((err as Error).message).not.toContain('short-secret');
    }
  });

  it('requires a session secret in production', () => {
    expect(() => parseConfig({ NODE_ENV: 'production', MONGODB_URI: 'mongodb://db.example:27017' })).toThrowError(/SESSION_SECRET: required in production/);
    const c = parseConfig({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40), MONGODB_URI: 'mongodb://db.example:27017' });
    expect(c.isProduction).toBe(true);
    expect(c.admin.simulatorEnabled).toBe(false);
  });

  it('refuses the embedded database in production unless EMBEDDED_DB_IN_PRODUCTION=true says the operator knows', () => {
    const production = { NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40) };
    expect(() => parseConfig(production)).toThrowError(/MONGODB_URI: required in production.*EMBEDDED_DB_IN_PRODUCTION=true/s);
    expect(parseConfig({ ...production, EMBEDDED_DB_IN_PRODUCTION: 'true' }).db.uri).toBeUndefined();
    expect(() => parseConfig({ ...production, EMBEDDED_DB_IN_PRODUCTION: 'maybe' })).toThrowError(/EMBEDDED_DB_IN_PRODUCTION: must be one of/);
    // Development and tests keep the embedded default.
    expect(parseConfig({}).db.uri).toBeUndefined();
  });

  it('reads the embedded database thresholds, its heap floor and a heap flag in NODE_OPTIONS', () => {
    const c = parseConfig({
      EMBEDDED_DB_WARN_DOCUMENTS: '5000',
      EMBEDDED_DB_WARN_DATA_MB: '64',
      EMBEDDED_DB_HEAP_MB: '2048',
      NODE_OPTIONS: '--enable-source-maps --max-old-space-size=3072',
    });
    expect(c.db).toMatchObject({ embeddedWarnDocuments: 5000, embeddedWarnDataBytes: 64 * 1024 * 1024, embeddedHeapMb: 2048, nodeOptionsHeapMb: 3072 });
    expect(parseConfig({}).db).toMatchObject({ embeddedWarnDocuments: undefined, embeddedHeapMb: undefined, nodeOptionsHeapMb: null });
    expect(() => parseConfig({ EMBEDDED_DB_WARN_DOCUMENTS: 'lots' })).toThrowError(/EMBEDDED_DB_WARN_DOCUMENTS: must be a number/);
  });

  it('treats an empty variable as unset and reads in-memory embedded storage', () => {
    const c = parseConfig({ PORT: '', EMBEDDED_DB_PATH: ':memory:' });
    expect(c.http.port).toBe(3000);
    expect(c.db.embeddedPath).toBeNull();
  });

  it('reads per-bot secrets by the names the bot files give', () => {
    const c = parseConfig({ DEMO_MESSENGER_APP_SECRET: 's3cret' });
    expect(c.secret('DEMO_MESSENGER_APP_SECRET')).toBe('s3cret');
    expect(c.secret('OTHER')).toBeUndefined();
  });

  it('strips trailing slashes from platform base URLs', () => {
    const c = parseConfig({ ZALO_OA_API_URL: 'http://127.0.0.1:9999/' });
    expect(c.platforms.zaloOaApiUrl).toBe('http://127.0.0.1:9999');
  });
});
