import http from 'node:http';
import https from 'node:https';
import axios, { type AxiosInstance } from 'axios';

/**
 * The HTTP client of the platforms' APIs (Graph, Zalo OA). Connections are kept open between
 * calls, and redirects are not followed: these APIs answer in place, and without redirects axios
 * uses Node's own request instead of a redirect-following wrapper around it, which cost about as
 * much CPU as the rest of a send (profiled in `npm run bench -- conversation`, docs/operations.md).
 * Every status is returned: the callers classify the platforms' errors themselves.
 */
export function createPlatformHttp(timeoutMs: number): AxiosInstance {
  return axios.create({
    timeout: timeoutMs,
    validateStatus: () => true,
    maxRedirects: 0,
    httpAgent: new http.Agent({ keepAlive: true }),
    httpsAgent: new https.Agent({ keepAlive: true }),
  });
}
