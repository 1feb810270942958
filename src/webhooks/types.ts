// The records of webhook delivery and the two narrow storage interfaces behind it: a
// DeliveryLog (events, deliveries, attempts) and a DeliveryQueue (when to run what).

/** Where a delivery stands. `delivered`, `dead`, `cancelled` and `gone` are final. */
export const DELIVERY_STATUSES = [
  'pending',
  'retrying',
  'delivered',
  'dead',
  'cancelled',
  'gone',
] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** Statuses after which no attempt is made unless an operator replays the delivery. */
export const FINAL_STATUSES: ReadonlySet<DeliveryStatus> = new Set([
  'delivered',
  'dead',
  'cancelled',
  'gone',
]);

/** Statuses a delivery waiting for its next attempt can have. */
export const OPEN_STATUSES: readonly DeliveryStatus[] = ['pending', 'retrying'];

/** A platform event as accepted at intake; `body` is exactly what every delivery sends. */
export interface StoredEvent {
  id: string;
  topic: string;
  site: string;
  /** The signed request body (JSON text), identical on every attempt. */
  body: string;
  /** sha256 of topic, site and payload: the same id with other content is a conflict. */
  fingerprint: string;
  /** Ids of the deliveries the event fanned out to. */
  deliveries: string[];
  received_at: string;
}

/** What a delivery is about; never changes after intake. */
export interface DeliveryRecord {
  /** The `webhook-id`: stable across every attempt and operator replay. */
  id: string;
  event: string;
  topic: string;
  site: string;
  app: string;
  installation: string;
  created_at: string;
}

/** The mutable part of a delivery, replaced as a whole on every transition. */
export interface DeliveryState {
  status: DeliveryStatus;
  /** 0 at intake, +1 on every operator replay; the retry schedule restarts per round. */
  round: number;
  /** Attempts made in the current round. */
  attempts_in_round: number;
  /** When the next attempt is due (open statuses only). */
  next_attempt_at: string | null;
  /** Why the delivery ended, for every final status but `delivered`. */
  reason: string | null;
  updated_at: string;
}

/** One HTTP attempt as logged (response text truncated). */
export interface Attempt {
  round: number;
  at: string;
  url: string;
  /** HTTP status, or null when no response arrived (refused, timed out, blocked). */
  status_code: number | null;
  latency_ms: number;
  error: string | null;
  /** The start of the response body, truncated. */
  response: string | null;
}

/** A delivery's record and state, without the attempts. */
export type CurrentDelivery = DeliveryRecord & DeliveryState;

/** A delivery as the admin API shows it. */
export type Delivery = CurrentDelivery & { attempts: Attempt[] };

/** A delivery to create at intake. */
export interface NewDelivery {
  record: DeliveryRecord;
  state: DeliveryState;
}

/** A change of state, applied only when the current status is one of `from`. */
export interface Transition {
  from: readonly DeliveryStatus[];
  state: DeliveryState;
  /** Appended to the attempt log in the same atomic step. */
  attempt?: Attempt;
}

/** An endpoint that answered 410 Gone: nothing more goes to `url` until re-registration. */
export interface GoneMarker {
  url: string;
  at: string;
}

/** Filters of the delivery list; every one given must match. */
export interface DeliveryFilter {
  app?: string;
  event?: string;
  status?: DeliveryStatus;
  /** Newest first, at most this many (default 100). */
  limit?: number;
}

/** The result of recording an event: `created` false when the id was already taken. */
export interface RecordedEvent {
  created: boolean;
  event: StoredEvent;
}

/**
 * Storage of events, deliveries and attempts. Records expire a retention period after
 * their last change; every change is atomic.
 */
export interface DeliveryLog {
  /** Stores the event with its deliveries unless the event id exists (then returns that one). */
  recordEvent(event: StoredEvent, deliveries: readonly NewDelivery[]): Promise<RecordedEvent>;
  event(id: string): Promise<StoredEvent | undefined>;
  get(id: string): Promise<Delivery | undefined>;
  /** The delivery without its attempt log: what an attempt needs, in one read. */
  current(id: string): Promise<CurrentDelivery | undefined>;
  /** Newest first. */
  list(filter: DeliveryFilter): Promise<Delivery[]>;
  /** Applies the transition if the status is one of `transition.from`; false otherwise. */
  transition(record: DeliveryRecord, transition: Transition): Promise<boolean>;
  /** Ids of the installation's deliveries that are not final. */
  openOf(installation: string): Promise<string[]>;
  markGone(app: string, marker: GoneMarker): Promise<void>;
  gone(app: string): Promise<GoneMarker | undefined>;
  close(): Promise<void>;
}

/** One queue entry: which delivery to attempt, after how long. */
export interface QueuedDelivery {
  /** Unique per delivery and round; a second enqueue of a present job id is a no-op. */
  jobId: string;
  delivery: string;
  delayMs?: number;
}

/** What the queue does with a job after an attempt. */
export type NextStep = { kind: 'done' } | { kind: 'later'; delayMs: number };

/** Runs one job; a throw is an infrastructure failure that the queue retries itself. */
export type DeliveryHandler = (delivery: string) => Promise<NextStep>;

/** Called when a job failed on infrastructure errors more often than the queue retries. */
export type ExhaustedHandler = (delivery: string, error: Error) => Promise<void>;

/**
 * When to run which delivery. At least once: a job taken by a worker that dies runs again
 * on another. Several consumers may share one queue (Redis).
 */
export interface DeliveryQueue {
  enqueue(jobs: readonly QueuedDelivery[]): Promise<void>;
  /** Drops waiting jobs; a job already running is left to its own re-check. */
  remove(jobIds: readonly string[]): Promise<void>;
  /** Starts consuming in this process. */
  consume(handler: DeliveryHandler, onExhausted: ExhaustedHandler): Promise<void>;
  /** Stops taking jobs and waits for the running ones. */
  close(): Promise<void>;
  /** Deliveries waiting, delayed for a retry or running (a gauge for operators). */
  depth(): Promise<number>;
}
