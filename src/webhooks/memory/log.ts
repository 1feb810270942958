// The development delivery log: Maps in this process (nothing survives a restart), with
// the same transitions and ordering as the Redis log, and the same retention.
import {
  type Attempt,
  type Delivery,
  type DeliveryFilter,
  type DeliveryLog,
  type DeliveryRecord,
  type DeliveryState,
  FINAL_STATUSES,
  type GoneMarker,
  type RecordedEvent,
  type StoredEvent,
} from '../types.ts';

interface Entry {
  record: DeliveryRecord;
  state: DeliveryState;
  attempts: Attempt[];
  expiresAt: number;
}

const DEFAULT_LIMIT = 100;

/** A DeliveryLog in memory; records expire `retentionMs` after their last change. */
export function createMemoryDeliveryLog(opts: { retentionMs: number }): DeliveryLog {
  const events = new Map<string, { event: StoredEvent; expiresAt: number }>();
  const deliveries = new Map<string, Entry>();
  const gone = new Map<string, GoneMarker>();

  const live = <T extends { expiresAt: number }>(entry: T | undefined): T | undefined =>
    entry && entry.expiresAt > Date.now() ? entry : undefined;
  const view = (e: Entry): Delivery =>
    structuredClone({ ...e.record, ...e.state, attempts: e.attempts });
  let sweptAt = 0;
  /** Drops expired records, at most once a minute (each sweep walks every record). */
  const sweep = () => {
    const now = Date.now();
    if (now - sweptAt < 60_000) return;
    sweptAt = now;
    for (const [id, e] of deliveries) if (e.expiresAt <= now) deliveries.delete(id);
    for (const [id, e] of events) if (e.expiresAt <= now) events.delete(id);
  };

  return {
    async recordEvent(event, list): Promise<RecordedEvent> {
      const found = live(events.get(event.id));
      if (found) return { created: false, event: structuredClone(found.event) };
      sweep();
      const expiresAt = Date.now() + opts.retentionMs;
      events.set(event.id, { event: structuredClone(event), expiresAt });
      for (const { record, state } of list) {
        if (live(deliveries.get(record.id))) continue;
        deliveries.set(record.id, {
          record: { ...record },
          state: { ...state },
          attempts: [],
          expiresAt,
        });
      }
      return { created: true, event: structuredClone(event) };
    },
    async event(id) {
      const found = live(events.get(id));
      return found && structuredClone(found.event);
    },
    async get(id) {
      const found = live(deliveries.get(id));
      return found && view(found);
    },
    async current(id) {
      const found = live(deliveries.get(id));
      return found && structuredClone({ ...found.record, ...found.state });
    },
    async list(filter: DeliveryFilter) {
      const limit = filter.limit ?? DEFAULT_LIMIT;
      return [...deliveries.values()]
        .filter(
          (e) =>
            live(e) &&
            (filter.app === undefined || e.record.app === filter.app) &&
            (filter.event === undefined || e.record.event === filter.event) &&
            (filter.status === undefined || e.state.status === filter.status),
        )
        .sort(
          (a, b) =>
            Date.parse(b.record.created_at) - Date.parse(a.record.created_at) ||
            (a.record.id < b.record.id ? 1 : a.record.id > b.record.id ? -1 : 0),
        )
        .slice(0, limit)
        .map(view);
    },
    async transition(record, change) {
      const entry = live(deliveries.get(record.id));
      if (!entry || !change.from.includes(entry.state.status)) return false;
      entry.state = { ...change.state };
      if (change.attempt) entry.attempts.push({ ...change.attempt });
      entry.expiresAt = Date.now() + opts.retentionMs;
      const event = events.get(entry.record.event);
      if (event) event.expiresAt = Math.max(event.expiresAt, entry.expiresAt);
      return true;
    },
    async openOf(installation) {
      return [...deliveries.values()]
        .filter(
          (e) =>
            live(e) &&
            e.record.installation === installation &&
            !FINAL_STATUSES.has(e.state.status),
        )
        .map((e) => e.record.id);
    },
    async markGone(app, marker) {
      gone.set(app, { ...marker });
    },
    async gone(app) {
      const found = gone.get(app);
      return found && { ...found };
    },
    async close() {},
  };
}
