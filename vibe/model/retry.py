"""When and how long to wait before trying a failed request again.

Backoff is capped exponential with full jitter (a random wait between 0 and
min(max_delay, base_delay * 2**n)), which spreads retries of many clients hitting one overloaded
server. A server's `Retry-After` replaces the computed wait. Nothing waits past the policy's total
budget: a wait that would end after it is not taken and the request fails instead.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable
from datetime import UTC, datetime

from vibe.model.types import ModelErrorKind, RetryPolicy

RETRYABLE_STATUSES = frozenset({408, 409, 425, 429}) | frozenset(range(500, 600))


class RetryableError(Exception):
    """One attempt failed in a way worth retrying.

    `kind` is what the user is told if retries run out; `reason` is a short phrase for the
    `Retrying` delta and the final message ("connection refused", "HTTP 503").
    """

    def __init__(
        self,
        kind: ModelErrorKind,
        reason: str,
        *,
        retry_after: float | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(reason)
        self.kind: ModelErrorKind = kind
        self.reason = reason
        self.retry_after = retry_after
        self.status = status


def status_kind(status: int) -> ModelErrorKind:
    if status == 429:
        return "rate_limited"
    if status == 408:
        return "timeout"
    return "server"


def parse_retry_after(
    value: str | None, now: Callable[[], datetime] = lambda: datetime.now(UTC)
) -> float | None:
    """Seconds to wait from a `Retry-After` header: delta-seconds or an HTTP date; None if unusable."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - now()).total_seconds()
    if seconds != seconds:  # NaN
        return None
    return max(0.0, seconds)


def backoff_delay(policy: RetryPolicy, retry_number: int, random: Callable[[], float]) -> float:
    """Full-jitter wait before retry number `retry_number` (1 for the first retry)."""
    ceiling = min(policy.max_delay, policy.base_delay * 2 ** (retry_number - 1))
    return random() * ceiling


class RetrySchedule:
    """Tracks one request's attempts against the policy and decides each wait."""

    def __init__(
        self,
        policy: RetryPolicy,
        random: Callable[[], float],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._policy = policy
        self._random = random
        self._clock = clock
        self._started = clock()
        self.failed_attempts = 0

    def next_delay(self, failure: RetryableError) -> float | None:
        """Record a failed attempt; the wait before the next one, or None to give up."""
        self.failed_attempts += 1
        if self.failed_attempts >= self._policy.max_attempts:
            return None
        if failure.retry_after is not None:
            delay = failure.retry_after
        else:
            delay = backoff_delay(self._policy, self.failed_attempts, self._random)
        elapsed = self._clock() - self._started
        if elapsed + delay > self._policy.total_budget:
            return None
        return delay

    def elapsed(self) -> float:
        return self._clock() - self._started
