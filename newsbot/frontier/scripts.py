"""Lua scripts that make each frontier step one atomic Redis call.

scrapy-redis adds a fingerprint and then pushes the request, and pops a request and then forgets
it: two calls each, so a worker dying (or Redis going away) between them loses a request. Here
each step is one script, and a popped request is written to the worker's in-flight hash in the
same step.
"""

# KEYS: queue, fingerprints.  ARGV: score, request, fingerprint ("" = bypass the filter).
# Returns 1 when queued, 0 when the fingerprint was already seen.
ENQUEUE = """
if ARGV[3] ~= '' and redis.call('SADD', KEYS[2], ARGV[3]) == 0 then
    return 0
end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
return 1
"""

# KEYS: queue, in-flight hash.  ARGV: field.  Pops the best request and records it as taken,
# as "<score> <request>" so that a re-queue keeps its priority.
TAKE = """
local popped = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #popped == 0 then
    return false
end
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, 0)
redis.call('HSET', KEYS[2], ARGV[1], popped[2] .. ' ' .. popped[1])
return popped[1]
"""

# KEYS: queue, in-flight hash.  Puts every request of the hash back on the queue (no dupefilter:
# their fingerprints are already in it), then deletes the hash. Returns how many.
REQUEUE = """
local entries = redis.call('HVALS', KEYS[2])
for _, entry in ipairs(entries) do
    local space = string.find(entry, ' ', 1, true)
    redis.call('ZADD', KEYS[1], string.sub(entry, 1, space - 1), string.sub(entry, space + 1))
end
redis.call('DEL', KEYS[2])
return #entries
"""

# KEYS: queue, in-flight hash.  ARGV: field.  Puts one taken request back on the queue, as
# REQUEUE does for them all. Returns 1, or 0 when the field is no longer held.
PUT_BACK = """
local entry = redis.call('HGET', KEYS[2], ARGV[1])
if not entry then
    return 0
end
local space = string.find(entry, ' ', 1, true)
redis.call('ZADD', KEYS[1], string.sub(entry, 1, space - 1), string.sub(entry, space + 1))
redis.call('HDEL', KEYS[2], ARGV[1])
return 1
"""
