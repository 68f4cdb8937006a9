/**
 * The HTTP room: the express app (health, readiness, metrics, error answers), the admin pages, the
 * REST API and the simulator page. It is the only room that knows status codes.
 */
export { createApp, type AppDeps, type MountedRouter } from './app.js';
export { createMetrics, type Metrics } from './metrics.js';
export { listen, type RunningServer } from './server.js';
export { createAdminRoutes, type AdminRoutesDeps } from './admin.js';
export { createCertificateRoutes, type CertificateRoutesDeps } from './certificates.js';
export { createMediaRoutes, type MediaRoutesDeps } from './media.js';
export { isAdminRequest } from './auth.js';
export { registerCalibrationCommand } from './cli.js';
