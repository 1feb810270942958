// The two atomic changes of the Redis delivery log, as Lua: recording an event with all
// its deliveries, and a guarded state transition that moves every index in one step.
import { luaScript } from '../../store/redis/atomic.ts';

// JSON is stored as given and never decoded here: Redis's cjson would rewrite empty
// arrays as objects (see store/redis/installations.ts).

export const RECORD_EVENT = luaScript(`
-- KEYS[1] event string, KEYS[2] all-deliveries index, KEYS[3] pending-status index;
-- then per delivery i (from 0): KEYS[4+3i] delivery hash, KEYS[5+3i] by-app index,
-- KEYS[6+3i] the installation's open set
-- ARGV[1] event JSON, ARGV[2] retention (s), ARGV[3] score (created, ms), ARGV[4] trim
-- score (entries older leave the indexes); then per delivery i: ARGV[5+3i] id,
-- ARGV[6+3i] record JSON, ARGV[7+3i] state JSON (status pending)
-- Returns {0, stored event JSON} when the event id exists (nothing written), else {1}.
local existing = redis.call('GET', KEYS[1])
if existing then
  return {0, existing}
end
local ttl = tonumber(ARGV[2])
redis.call('SET', KEYS[1], ARGV[1], 'EX', ttl)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. ARGV[4])
local n = (#KEYS - 3) / 3
for i = 0, n - 1 do
  local hash, byApp, open = KEYS[4 + 3 * i], KEYS[5 + 3 * i], KEYS[6 + 3 * i]
  local id = ARGV[5 + 3 * i]
  if redis.call('EXISTS', hash) == 0 then
    redis.call('HSET', hash, 'record', ARGV[6 + 3 * i], 'state', ARGV[7 + 3 * i],
      'status', 'pending', 'score', ARGV[3])
    redis.call('EXPIRE', hash, ttl)
    redis.call('ZADD', KEYS[2], ARGV[3], id)
    redis.call('ZADD', KEYS[3], ARGV[3], id)
    redis.call('ZREMRANGEBYSCORE', byApp, '-inf', '(' .. ARGV[4])
    redis.call('ZADD', byApp, ARGV[3], id)
    redis.call('SADD', open, id)
    redis.call('EXPIRE', open, ttl)
  end
end
return {1}
`);

export const TRANSITION = luaScript(`
-- KEYS[1] delivery hash, KEYS[2] its attempts list, KEYS[3] the installation's open set,
-- KEYS[4] the event string; KEYS[5..] the status indexes, in the order of ARGV[9..]
-- ARGV[1] statuses allowed now (space-separated), ARGV[2] new status, ARGV[3] state JSON,
-- ARGV[4] attempt JSON or '', ARGV[5] retention (s), ARGV[6] '1' if the new status is
-- final, ARGV[7] trim score, ARGV[8] delivery id; ARGV[9..] status names
-- Returns 1 when applied, 0 when the current status is not allowed, -1 when missing.
local current = redis.call('HGET', KEYS[1], 'status')
if not current then
  return -1
end
if not string.find(' ' .. ARGV[1] .. ' ', ' ' .. current .. ' ', 1, true) then
  return 0
end
local id = ARGV[8]
local score = redis.call('HGET', KEYS[1], 'score')
local ttl = tonumber(ARGV[5])
redis.call('HSET', KEYS[1], 'status', ARGV[2], 'state', ARGV[3])
redis.call('EXPIRE', KEYS[1], ttl)
if ARGV[4] ~= '' then
  redis.call('RPUSH', KEYS[2], ARGV[4])
end
if redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('EXPIRE', KEYS[2], ttl)
end
for i = 9, #ARGV do
  local index = KEYS[i - 4]
  if ARGV[i] == current and current ~= ARGV[2] then
    redis.call('ZREM', index, id)
  end
  if ARGV[i] == ARGV[2] then
    redis.call('ZREMRANGEBYSCORE', index, '-inf', '(' .. ARGV[7])
    redis.call('ZADD', index, score, id)
  end
end
if ARGV[6] == '1' then
  redis.call('SREM', KEYS[3], id)
else
  redis.call('SADD', KEYS[3], id)
  redis.call('EXPIRE', KEYS[3], ttl)
end
if redis.call('TTL', KEYS[4]) < ttl then
  redis.call('EXPIRE', KEYS[4], ttl)
end
return 1
`);
