"""Slots shared by every worker: at most N held under one key at a time, counted in Redis.

A slot is a member of a sorted set scored by when it lapses (Redis's own clock), so that
slots held by a worker that died free themselves: a holder takes a slot for no longer than
it can need it. Taking one is a single script, so two workers cannot both take the last.
"""

import logging
import uuid

import redis

log = logging.getLogger(__name__)

_TAKE = """
local now = tonumber(redis.call('TIME')[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[3])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2]))
return 1
"""


class SharedSlots:
    def __init__(self, url: str, prefix: str):
        self.client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self.prefix = prefix
        self._take = self.client.register_script(_TAKE)

    def take(self, key: str, cap: int, seconds: int) -> str | None:
        """A slot's token when fewer than `cap` are held under `key`, else None; the slot
        lapses after `seconds` unless given back first. Raises redis.RedisError when Redis
        does not answer (the caller decides what then)."""
        token = uuid.uuid4().hex
        taken = self._take(keys=[self.prefix + key], args=[cap, seconds, token])
        return token if taken else None

    def give_back(self, key: str, token: str) -> None:
        try:
            self.client.zrem(self.prefix + key, token)
        except redis.RedisError:  # it lapses by itself
            log.warning("could not give back slot %s of %s", token, key)

    def held(self, key: str) -> int:
        now = self.client.time()[0]
        return self.client.zcount(self.prefix + key, f"({now}", "+inf")
