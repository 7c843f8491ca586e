"""The Redis inbox's Lua scripts: each multi-key step runs as one script, atomically.

Every script gets the key prefix as ARGV[1] (``scaletg:{ns}:``, one hash slot) and the
``updates`` hash as KEYS[1] so a cluster routes it. Time is Redis's own (TIME), so the
machines' clocks never matter. Chat keys are ``chat:<id>``, ``user:<id>`` or ``update:<id>``.
"""

from __future__ import annotations

# Helpers prepended to every script.
COMMON = """
local P = ARGV[1]
local BATCH = 500  -- updates handed out per chat and call (unpack's stack stays small)
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
-- Let idle workers know that chats became ready (BLPOP on 'wake'); the list stays short.
local function wake(n)
  for _ = 1, math.min(n, 16) do redis.call('LPUSH', P .. 'wake', '1') end
  if n > 0 then redis.call('LTRIM', P .. 'wake', 0, 63) end
end
-- Queue a chat without a lease by its lowest update id, or forget it when it has nothing left.
local function make_ready(chat)
  local first = redis.call('ZRANGE', P .. 'q:' .. chat, 0, 0, 'WITHSCORES')
  if #first == 0 then
    redis.call('SREM', P .. 'chats', chat)
    redis.call('ZREM', P .. 'ready', chat)
    return 0
  end
  redis.call('ZADD', P .. 'ready', first[2], chat)
  return 1
end
-- Remove every trace of an update (done, set aside or dropped from its chat).
local function forget(chat, id)
  redis.call('HDEL', P .. 'updates', id)
  redis.call('ZREM', P .. 'q:' .. chat, id)
  redis.call('HDEL', P .. 'attempts', id)
  redis.call('HDEL', P .. 'running', id)
  redis.call('ZREM', P .. 'stored', id)
end
local function known(id)
  return redis.call('HEXISTS', P .. 'updates', id) == 1 or redis.call('ZSCORE', P .. 'done', id)
    or redis.call('HEXISTS', P .. 'dead', id) == 1
end
"""

# ARGV: P, poller id ('' = unfenced), fence, retry ('1': replace dead entries), n,
#       n x (id, chat, raw), then (dead key or '', letter JSON) pairs.
# Returns {new count, dead keys added...}, or {-1} when the caller no longer holds the poller lease.
STORE = COMMON + """
if ARGV[2] ~= '' and (redis.call('GET', P .. 'poller') ~= ARGV[2]
    or redis.call('GET', P .. 'poller:fence') ~= ARGV[3]) then
  return {-1}
end
local now, n, new, ready, i = now_ms(), tonumber(ARGV[5]), 0, 0, 6
for _ = 1, n do
  local id, chat, raw = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  i = i + 3
  if ARGV[4] == '1' then redis.call('HDEL', P .. 'dead', id); redis.call('ZREM', P .. 'deadat', id) end
  if not known(id) then
    redis.call('HSET', P .. 'updates', id, raw)
    redis.call('ZADD', P .. 'q:' .. chat, id, id)
    redis.call('ZADD', P .. 'stored', now, id)
    redis.call('SADD', P .. 'chats', chat)
    local owner = redis.call('HGET', P .. 'owner', chat)
    if owner then  -- its worker takes it next: tell that worker only
      redis.call('LPUSH', P .. 'wake:' .. owner, '1')
      redis.call('LTRIM', P .. 'wake:' .. owner, 0, 7)
      redis.call('PEXPIRE', P .. 'wake:' .. owner, 60000)
    else
      if not redis.call('ZSCORE', P .. 'ready', chat) then ready = ready + 1 end
      redis.call('ZADD', P .. 'ready', 'LT', id, chat)
    end
    new = new + 1
  end
end
local result = {new}
while i < #ARGV do
  local key, letter = ARGV[i], ARGV[i + 1]
  i = i + 2
  if key == '' then key = 'x' .. redis.call('INCR', P .. 'deadseq') end
  if not known(key) then
    redis.call('HSET', P .. 'dead', key, letter)
    redis.call('ZADD', P .. 'deadat', cjson.decode(letter).at, key)
    result[#result + 1] = key
  end
end
wake(ready)
return result
"""

# ARGV: P, worker, lease ms, max attempts, want a new chat ('1'/'0'), then (chat, last id) of held chats.
# Returns {poisoned {id, attempts, chat}..., lost chats, {chat, ids, raws}...}.
CLAIM = COMMON + """
local now, worker, lease, max_attempts = now_ms(), ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local deadline = now + lease
local poisoned, lost, got = {}, {}, {}
-- 1. Expired leases (a dead or stuck worker): count the cut-short attempts, requeue the chat.
local expired = redis.call('ZRANGEBYSCORE', P .. 'leases', '-inf', now, 'LIMIT', 0, 100)
local ready = 0
for _, chat in ipairs(expired) do
  redis.call('ZREM', P .. 'leases', chat)
  redis.call('HDEL', P .. 'owner', chat)
  for _, id in ipairs(redis.call('ZRANGE', P .. 'q:' .. chat, 0, -1)) do
    redis.call('HDEL', P .. 'running', id)
    local attempts = tonumber(redis.call('HGET', P .. 'attempts', id) or '0')
    if attempts >= max_attempts then
      local reason = 'its processing was cut short ' .. attempts .. ' times (a crash or a forced stop each '
        .. 'time; processing.max_attempts is ' .. max_attempts .. ')'
      local raw = redis.call('HGET', P .. 'updates', id) or 'null'
      redis.call('HSET', P .. 'dead', id, '{"update_id":' .. id .. ',"chat":' .. cjson.encode(chat)
        .. ',"reason":' .. cjson.encode(reason) .. ',"at":' .. string.format('%.3f', now / 1000)
        .. ',"raw":' .. raw .. '}')
      redis.call('ZADD', P .. 'deadat', now / 1000, id)
      forget(chat, id)
      poisoned[#poisoned + 1] = {id, attempts, chat}
    end
  end
  ready = ready + make_ready(chat)
end
wake(ready)
-- 2. Updates stored since for the chats this worker holds.
local i = 6
while i < #ARGV do
  local chat, last = ARGV[i], ARGV[i + 1]
  i = i + 2
  if redis.call('HGET', P .. 'owner', chat) == worker then
    local ids = redis.call('ZRANGEBYSCORE', P .. 'q:' .. chat, '(' .. last, '+inf', 'LIMIT', 0, BATCH)
    if #ids > 0 then got[#got + 1] = {chat, ids, redis.call('HMGET', P .. 'updates', unpack(ids))} end
  else
    lost[#lost + 1] = chat
  end
end
-- 3. A new chat: the one whose oldest update is the oldest.
while ARGV[5] == '1' do
  local popped = redis.call('ZPOPMIN', P .. 'ready')
  if #popped == 0 then break end
  local chat = popped[1]
  local ids = redis.call('ZRANGE', P .. 'q:' .. chat, 0, BATCH - 1)
  if #ids > 0 and not redis.call('HGET', P .. 'owner', chat) then
    redis.call('ZADD', P .. 'leases', deadline, chat)
    redis.call('HSET', P .. 'owner', chat, worker)
    got[#got + 1] = {chat, ids, redis.call('HMGET', P .. 'updates', unpack(ids))}
    break
  elseif #ids == 0 then
    redis.call('SREM', P .. 'chats', chat)
  end
end
return {poisoned, lost, got}
"""

# ARGV: P, worker, release ('1'/'0'), chat, done ids...
# Returns how many were marked done, or -1 when the worker lost the chat's lease (nothing changes).
FINISH = COMMON + """
local worker, release, chat = ARGV[2], ARGV[3], ARGV[4]
if redis.call('HGET', P .. 'owner', chat) ~= worker then return -1 end
local confirmed = tonumber(redis.call('GET', P .. 'offset') or '0')
for i = 5, #ARGV do
  local id = ARGV[i]
  forget(chat, id)
  -- Telegram may send it again until the poller confirms past it: remember it for dedupe.
  if tonumber(id) >= confirmed then redis.call('ZADD', P .. 'done', id, id) end
end
if release == '1' then
  for _, id in ipairs(redis.call('ZRANGE', P .. 'q:' .. chat, 0, -1)) do
    if redis.call('HGET', P .. 'running', id) == worker then redis.call('HDEL', P .. 'running', id) end
  end
  redis.call('ZREM', P .. 'leases', chat)
  redis.call('HDEL', P .. 'owner', chat)
  wake(make_ready(chat))
end
return #ARGV - 4
"""

# ARGV: P, worker, update id. Count an attempt and mark it running (by this worker).
BEGIN = COMMON + """
redis.call('HINCRBY', P .. 'attempts', ARGV[3], 1)
redis.call('HSET', P .. 'running', ARGV[3], ARGV[2])
return 1
"""

# ARGV: P, worker, lease ms, info JSON, held chats... Renew this worker's leases; sweep lost chats.
# Returns the held chats whose lease this worker lost.
HEARTBEAT = COMMON + """
local now, worker, lease = now_ms(), ARGV[2], tonumber(ARGV[3])
redis.call('ZADD', P .. 'workers', now, worker)
redis.call('SET', P .. 'worker:' .. worker, ARGV[4], 'PX', lease * 3)
redis.call('ZREMRANGEBYSCORE', P .. 'workers', '-inf', now - lease * 3)
local lost = {}
for i = 5, #ARGV do
  if redis.call('HGET', P .. 'owner', ARGV[i]) == worker then
    redis.call('ZADD', P .. 'leases', 'XX', now + lease, ARGV[i])
  else
    lost[#lost + 1] = ARGV[i]
  end
end
-- A chat with updates but neither ready nor leased (never expected): queue it again.
local ready = 0
for _, chat in ipairs(redis.call('SMEMBERS', P .. 'chats')) do
  if not redis.call('ZSCORE', P .. 'ready', chat) and not redis.call('HGET', P .. 'owner', chat) then
    ready = ready + make_ready(chat)
  end
end
wake(ready)
return lost
"""

# ARGV: P, worker. Say goodbye: the worker's entry and wake-up list go, and its poller lease.
LEAVE = COMMON + """
if redis.call('GET', P .. 'poller') == ARGV[2] then redis.call('DEL', P .. 'poller') end
redis.call('ZREM', P .. 'workers', ARGV[2])
redis.call('DEL', P .. 'worker:' .. ARGV[2], P .. 'wake:' .. ARGV[2])
return 1
"""

# ARGV: P, poller id, lease ms. Returns {1, fence} (held, renewed), {0, holder} (another polls),
# or {2, fence, offset} (taken over: the fence grows, so the previous holder's stores are refused).
POLLER = COMMON + """
local id, lease = ARGV[2], tonumber(ARGV[3])
local holder = redis.call('GET', P .. 'poller')
if holder == id then
  redis.call('PEXPIRE', P .. 'poller', lease)
  return {1, redis.call('GET', P .. 'poller:fence')}
end
if holder then return {0, holder} end
redis.call('SET', P .. 'poller', id, 'PX', lease)
return {2, tostring(redis.call('INCR', P .. 'poller:fence')), redis.call('GET', P .. 'offset') or ''}
"""

# ARGV: P, offset. Telegram forgot every update below offset: so may the dedupe.
CONFIRM = COMMON + """
local offset = tonumber(ARGV[2])
if offset > tonumber(redis.call('GET', P .. 'offset') or '0') then redis.call('SET', P .. 'offset', offset) end
redis.call('ZREMRANGEBYSCORE', P .. 'done', '-inf', '(' .. offset)
return 1
"""

# ARGV: P, retention in seconds. Delete the set-aside updates set aside longer ago (by Redis time).
# Returns how many went.
FORGET_DEAD = COMMON + """
local cutoff = now_ms() / 1000 - tonumber(ARGV[2])
local old = redis.call('ZRANGEBYSCORE', P .. 'deadat', '-inf', '(' .. cutoff, 'LIMIT', 0, 1000)
for _, key in ipairs(old) do
  redis.call('HDEL', P .. 'dead', key)
  redis.call('ZREM', P .. 'deadat', key)
end
return #old
"""
