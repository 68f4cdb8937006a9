/** Agenda setup and the product's job definitions. Rooms give handlers; this room owns names, locks and schedules. */
export { createScheduler, type Scheduler } from './scheduler.js';
export { JOB, type JobName } from './names.js';
export {
  defineOutreachJobs,
  defineSystemJobs,
  scheduleOnce,
  scheduleRepeating,
  type JobContext,
  type OutreachJobHandlers,
  type OutreachJobOptions,
  type SystemJobHandlers,
} from './define.js';
