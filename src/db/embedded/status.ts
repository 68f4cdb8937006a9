import v8 from 'node:v8';
import type { Journal } from './journal.js';
import { assessLimits, MOVE_ADVICE, type EmbeddedDbStatus, type EmbeddedDbThresholds } from './limits.js';
import type { Storage } from './storage.js';

/** The embedded database's figures now, against its thresholds (cheap: counts, no scan). */
export function collectStatus(storage: Storage, journal: Journal | null, path: string | null, thresholds: EmbeddedDbThresholds): EmbeddedDbStatus {
  let collections = 0;
  for (const colls of storage.databases.values()) collections += colls.size;
  const documents = storage.documentCount();
  const { snapshotBytes, journalBytes } = journal?.sizes ?? { snapshotBytes: 0, journalBytes: 0 };
  const heap = v8.getHeapStatistics();
  const figures = { documents, dataBytes: snapshotBytes + journalBytes, heapUsedBytes: heap.used_heap_size, heapLimitBytes: heap.heap_size_limit };
  const { level, warnings } = assessLimits(figures, thresholds);
  const last = journal?.lastCompaction;
  return {
    ...figures,
    path,
    collections,
    snapshotBytes,
    journalBytes,
    thresholds,
    level,
    warnings,
    advice: level === 'ok' ? null : MOVE_ADVICE,
    lastCompaction: last ? { at: last.at.toISOString(), ms: last.ms, snapshotBytes: last.snapshotBytes } : null,
    at: new Date().toISOString(),
  };
}
