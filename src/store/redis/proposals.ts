// Review-only proposals in Redis: a hash per proposal (the record as staged, then a
// write-once decision and a write-once replay) and two sorted sets per installation
// (all, pending) by creation time. Create, decide and record-replay are Lua scripts.
import type { Redis } from 'ioredis';
import type { Proposal, ProposalReplay, ProposalStatus } from '../../proposals/types.ts';
import type { ProposalStore } from '../types.ts';
import { luaScript, runScript } from './atomic.ts';
import type { RedisKeys } from './keys.ts';

// Like installations, the record is never decoded in Lua (cjson would turn [] into {}):
// the decision's status is a field of its own, so the scripts compare plain strings.
const CREATE_PROPOSAL = luaScript(`
-- KEYS[1] proposal hash, KEYS[2] installation's proposals, KEYS[3] installation's pending
-- proposals (sorted sets); ARGV[1] id, ARGV[2] record JSON, ARGV[3] created_at in ms,
-- ARGV[4] most pending proposals allowed. Returns 1 when created, 0 (nothing written)
-- when the id exists, -1 (nothing written) when enough are pending. Never sets a TTL.
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
if redis.call('ZCARD', KEYS[3]) >= tonumber(ARGV[4]) then
  return -1
end
redis.call('HSET', KEYS[1], 'record', ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1])
return 1
`);

const DECIDE_PROPOSAL = luaScript(`
-- KEYS[1] proposal hash, KEYS[2] installation's pending proposals (sorted set)
-- ARGV[1] id, ARGV[2] status, ARGV[3] decision JSON {decided_at, decided_by, decision_reason}
-- Decides only a pending proposal (no status yet); the first decision stays. Returns
-- {1|0 (decided now or not), record, status, decision, replay}, or nil for an unknown id.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return nil
end
local decided = redis.call('HSETNX', KEYS[1], 'status', ARGV[2])
if decided == 1 then
  redis.call('HSET', KEYS[1], 'decision', ARGV[3])
  redis.call('ZREM', KEYS[2], ARGV[1])
end
local fields = redis.call('HMGET', KEYS[1], 'record', 'status', 'decision', 'replay')
return {decided, fields[1], fields[2], fields[3], fields[4]}
`);

const RECORD_REPLAY = luaScript(`
-- KEYS[1] proposal hash; ARGV[1] replay JSON
-- Writes the replay of an approved proposal once (the first stays). Returns
-- {record, status, decision, replay}, nil for an unknown id, 'not approved' otherwise.
if redis.call('EXISTS', KEYS[1]) == 0 then
  return nil
end
if redis.call('HGET', KEYS[1], 'status') ~= 'approved' then
  return 'not approved'
end
redis.call('HSETNX', KEYS[1], 'replay', ARGV[1])
return redis.call('HMGET', KEYS[1], 'record', 'status', 'decision', 'replay')
`);

const FIELDS = ['record', 'status', 'decision', 'replay'] as const;

type DecisionFields = Pick<Proposal, 'decided_at' | 'decided_by' | 'decision_reason'>;

/** A ProposalStore over Redis hashes and per-installation sorted sets. */
export function createRedisProposals(client: Redis, keys: RedisKeys): ProposalStore {
  const read = async (ids: string[]): Promise<Proposal[]> => {
    if (ids.length === 0) return [];
    const pipeline = client.pipeline();
    for (const id of ids) pipeline.hmget(keys.proposal(id), ...FIELDS);
    const replies = (await pipeline.exec()) ?? [];
    return replies.flatMap(([err, fields]) => {
      if (err) throw err;
      const proposal = fromFields(fields);
      return proposal ? [proposal] : [];
    });
  };

  return {
    async create(proposal, maxPending = Number.MAX_SAFE_INTEGER) {
      const createdMs = Date.parse(proposal.created_at);
      if (Number.isNaN(createdMs)) {
        throw new Error(`proposal ${proposal.id}: created_at is not a date`);
      }
      const created = await runScript(
        client,
        CREATE_PROPOSAL,
        [
          keys.proposal(proposal.id),
          keys.proposalsByInstallation(proposal.installation),
          keys.proposalsPending(proposal.installation),
        ],
        [proposal.id, JSON.stringify(proposal), createdMs, maxPending],
      );
      if (created === 0) throw new Error(`proposal ${proposal.id} exists`);
      return created === 1;
    },
    async get(id) {
      const [found] = await read([id]);
      return found;
    },
    async listByInstallation(installation, filter = {}) {
      const index = filter.pending
        ? keys.proposalsPending(installation)
        : keys.proposalsByInstallation(installation);
      const found = await read(await client.zrevrange(index, 0, -1));
      // A proposal decided between the two reads is no longer pending.
      return filter.pending ? found.filter((p) => p.status === 'pending_review') : found;
    },
    async decide(id, decision) {
      // The installation (never changed) names the pending index the script must declare.
      const [current] = await read([id]);
      if (!current) return undefined;
      const reply = await runScript(
        client,
        DECIDE_PROPOSAL,
        [keys.proposal(id), keys.proposalsPending(current.installation)],
        [
          id,
          decision.status,
          JSON.stringify({
            decided_at: decision.at,
            decided_by: decision.by,
            decision_reason: decision.reason,
          } satisfies DecisionFields),
        ],
      );
      if (reply === null) return undefined;
      const [decided, ...fields] = reply as unknown[];
      const proposal = fromFields(fields);
      if (!proposal) throw new Error(`unexpected reply from the decide script for ${id}`);
      return { decided: decided === 1, proposal };
    },
    async recordReplay(id, replay: ProposalReplay) {
      const reply = await runScript(
        client,
        RECORD_REPLAY,
        [keys.proposal(id)],
        [JSON.stringify(replay)],
      );
      if (reply === null) return undefined;
      if (reply === 'not approved') throw new Error(`proposal ${id} is not approved`);
      return fromFields(reply);
    },
  };
}

/** The record with its decision and replay applied; undefined when the hash is missing. */
function fromFields(fields: unknown): Proposal | undefined {
  const [record, status, decision, replay] = Array.isArray(fields)
    ? (fields as (string | null)[])
    : [];
  if (typeof record !== 'string') return undefined;
  const proposal = JSON.parse(record) as Proposal;
  if (typeof status === 'string') {
    proposal.status = status as ProposalStatus;
    if (typeof decision === 'string') {
      const d = JSON.parse(decision) as DecisionFields;
      proposal.decided_at = d.decided_at;
      proposal.decided_by = d.decided_by;
      proposal.decision_reason = d.decision_reason;
    }
  }
  proposal.replay = typeof replay === 'string' ? (JSON.parse(replay) as ProposalReplay) : null;
  return proposal;
}
