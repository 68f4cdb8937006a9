import { describe, expect, it } from 'vitest';
import {
  assessLimits,
  DEFAULT_THRESHOLDS,
  describeStatus,
  estimateHeapBytes,
  explicitHeapFlagMb,
  HEAP_PER_DATA_BYTE,
  planHeap,
} from '../../../src/db/embedded/limits.js';

const MiB = 1024 * 1024;

describe('sizing the embedded database heap from its data files', () => {
  it('gives at least the default heap, room for the data to double, at most 3/4 of the machine', () => {
    expect(planHeap({ dataBytes: 10 * MiB, defaultLimitMb: 4144, totalMemoryMb: 24_000 })).toMatchObject({ ok: true, limitMb: 4144 });
    const big = planHeap({ dataBytes: 1024 * MiB, defaultLimitMb: 4144, totalMemoryMb: 24_000 });
    expect(big.ok && big.limitMb).toBe(2 * big.needMb);
    expect(big.needMb).toBeGreaterThan(1024 * HEAP_PER_DATA_BYTE);
    expect(planHeap({ dataBytes: 3000 * MiB, defaultLimitMb: 4144, totalMemoryMb: 24_000 })).toMatchObject({ ok: true, limitMb: 18_000 });
    expect(planHeap({ dataBytes: 10 * MiB, defaultLimitMb: 4144, configuredMb: 6000, totalMemoryMb: 24_000 })).toMatchObject({ ok: true, limitMb: 6000 });
  });

  it('refuses, saying what to do, when the data cannot fit the machine or an explicit --max-old-space-size', () => {
    const machine = planHeap({ dataBytes: 8000 * MiB, defaultLimitMb: 4144, totalMemoryMb: 24_000 });
    expect(machine.ok).toBe(false);
    expect(!machine.ok && machine.message).toMatch(/need about \d+ MB of heap, more than 18000 MB.*db export/);
    const flag = planHeap({ dataBytes: 100 * MiB, defaultLimitMb: 64, explicitFlagMb: 64, totalMemoryMb: 24_000 });
    expect(!flag.ok && flag.message).toMatch(/started with --max-old-space-size=64\. Start it with --max-old-space-size=\d+/);
    expect(planHeap({ dataBytes: 1 * MiB, defaultLimitMb: 512, explicitFlagMb: 512, totalMemoryMb: 24_000 })).toMatchObject({ ok: true, limitMb: 512 });
  });

  it('finds a --max-old-space-size on the command line or in NODE_OPTIONS', () => {
    expect(explicitHeapFlagMb(['--max-old-space-size=64'], undefined)).toBe(64);
    expect(explicitHeapFlagMb(['--import', 'tsx'], '--enable-source-maps --max_old_space_size=2048')).toBe(2048);
    expect(explicitHeapFlagMb(['--import', 'tsx'], undefined)).toBeNull();
    expect(estimateHeapBytes(100 * MiB)).toBe(Math.ceil(100 * MiB * HEAP_PER_DATA_BYTE));
  });
});

describe('warning thresholds', () => {
  const calm = { documents: 10_000, dataBytes: 5 * MiB, heapUsedBytes: 100 * MiB, heapLimitBytes: 4000 * MiB };

  it('is ok below every threshold', () => {
    expect(assessLimits(calm, DEFAULT_THRESHOLDS)).toEqual({ level: 'ok', warnings: [] });
    expect(describeStatus({ ...calm, level: 'ok', warnings: [] })).toBe('embedded: 10,000 documents, 5 MB of data files');
  });

  it('warns above the document or data thresholds, and is critical above 85% of its heap, saying how to move', () => {
    const many = assessLimits({ ...calm, documents: 1_200_000, dataBytes: 500 * MiB }, DEFAULT_THRESHOLDS);
    expect(many.level).toBe('warning');
    expect(many.warnings.map((w) => w.code)).toEqual(['documents', 'dataBytes']);
    const full = assessLimits({ ...calm, heapUsedBytes: 3600 * MiB }, DEFAULT_THRESHOLDS);
    expect(full).toMatchObject({ level: 'critical', warnings: [{ code: 'heap', level: 'critical', message: '90% of its 4,000 MB heap in use (3,600 MB)' }] });
    expect(describeStatus({ ...calm, ...many })).toMatch(/^embedded database WARNING: 1,200,000 documents, above the 1,000,000 .*db export.*MONGODB_URI/);
  });
});
