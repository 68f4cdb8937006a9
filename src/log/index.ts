import { pino, type Logger } from 'pino';
import type { Config } from '../config/index.js';

export type { Logger } from 'pino';
export { stopOnTermination, type TerminationOptions } from './termination.js';

/** Paths pino blanks out wherever they appear in a log line. Secrets never reach the logs. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-hub-signature-256"]',
  'req.headers["x-zevent-signature"]',
  'req.headers.access_token',
  'res.headers["set-cookie"]',
  '*.access_token',
  '*.accessToken',
  '*.refresh_token',
  '*.refreshToken',
  '*.appSecret',
  '*.app_secret',
  '*.secretKey',
  '*.secret',
  '*.password',
  '*.token',
  '*.cookie',
  '*.pageToken',
  'headers.authorization',
  'headers.access_token',
  'config.headers.access_token',
  'config.headers.Authorization',
];

const SECRET_QUERY = /([?&](?:access_token|appsecret_proof|refresh_token|token|hub\.verify_token|code)=)[^&#]*/gi;

/** Removes secret query parameters from a URL before it is logged. */
export function redactUrl(url: string): string {
  return url.replace(SECRET_QUERY, '$1[Redacted]');
}

export function createLogger(config: Pick<Config, 'log'>, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level: config.log.level,
    redact: { paths: REDACT_PATHS, censor: '[Redacted]' },
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (destination) return pino(options, destination);
  if (config.log.format === 'pretty') {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' } } });
  }
  return pino(options);
}
