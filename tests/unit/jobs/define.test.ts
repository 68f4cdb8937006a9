import { describe, expect, it } from 'vitest';
import type { Agenda } from 'agenda';
import { defineOutreachJobs, defineSystemJobs, JOB, scheduleOnce, type Scheduler } from '../../../src/jobs/index.js';

/** Just enough of Agenda to see what is defined, scheduled and made unique. */
function fakeAgenda() {
  const defined: Record<string, { options: Record<string, unknown> }> = {};
  const every: Array<{ interval: string; name: string; options: Record<string, unknown> }> = [];
  const saved: Array<{ name: string; data: unknown; when?: Date; unique?: unknown; uniqueOpts?: unknown }> = [];
  const agenda = {
    define: (name: string, _fn: unknown, options: Record<string, unknown>) => void (defined[name] = { options }),
    every: async (interval: string, name: string, _data: unknown, options: Record<string, unknown>) => void every.push({ interval, name, options }),
    create: (name: string, data: unknown) => {
      const job: { name: string; data: unknown; when?: Date; unique?: unknown; uniqueOpts?: unknown } = { name, data };
      const chain = {
        schedule: (when: Date) => ((job.when = when), chain),
        unique: (u: unknown, o: unknown) => ((job.unique = u), (job.uniqueOpts = o), chain),
        save: async () => void saved.push(job),
      };
      return chain;
    },
  };
  const scheduler = { agenda: agenda as unknown as Agenda } as Scheduler;
  return { scheduler, defined, every, saved };
}

describe('job definitions', () => {
  it("defines every outreach job with a lock that expires, so a crashed worker's job is taken over", () => {
    const f = fakeAgenda();
    const noop = async () => undefined;
    defineOutreachJobs(
      f.scheduler,
      { dailyQuestion: noop, campaignReminder: noop, broadcast: noop, broadcastBatch: noop },
      { lockLifetimeMs: 3000, batchConcurrency: 6 },
    );
    expect(Object.keys(f.defined).sort()).toEqual([JOB.broadcast, JOB.broadcastBatch, JOB.campaignReminder, JOB.dailyQuestion].sort());
    expect(f.defined[JOB.broadcastBatch]!.options).toMatchObject({ lockLifetime: 3000, concurrency: 6 });
    // A job that throws is retried later (the handlers are idempotent).
    expect(f.defined[JOB.broadcast]!.options.backoff).toBeTypeOf('function');
  });

  it('runs the housekeeping jobs it is given, in Asia/Ho_Chi_Minh', async () => {
    const f = fakeAgenda();
    await defineSystemJobs(f.scheduler, { sweepInbox: async () => 0, refreshZaloTokens: async () => undefined }, 'Asia/Ho_Chi_Minh');
    expect(f.every.map((e) => [e.name, e.interval])).toEqual([
      [JOB.inboxSweeper, '1 minute'],
      [JOB.zaloTokenRefresh, '30 minutes'],
    ]);
    expect(f.every.every((e) => e.options.timezone === 'Asia/Ho_Chi_Minh')).toBe(true);
    expect(f.defined[JOB.contestClose]).toBeUndefined();
  });

  it('creates a one-off job keyed on its data, insert-only, so creating it twice keeps one', async () => {
    const f = fakeAgenda();
    const when = new Date('2026-10-10T01:00:00Z');
    await scheduleOnce(f.scheduler.agenda, JOB.broadcastBatch, { broadcastId: 'b1', batch: 3, round: 0 }, { broadcastId: 'b1', batch: 3, round: 0 }, when);
    expect(f.saved[0]).toMatchObject({
      name: JOB.broadcastBatch,
      when,
      unique: { 'data.broadcastId': 'b1', 'data.batch': 3, 'data.round': 0 },
      uniqueOpts: { insertOnly: true },
    });
  });
});
