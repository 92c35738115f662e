"""What every tracker client shares: the create that never makes a twin, and one reading of timestamps."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from core.errors import ValidationError
from integrations.client_base import CREATE_ATTEMPTS, VendorClient
from integrations.http import OutcomeUnknown, RateLimit, VendorHTTP
from integrations.wire_fields import parse_time


class Client(VendorClient):
    def __init__(self) -> None:
        self._http = VendorHTTP("Acme", "http://127.0.0.1:9", {}, rate=RateLimit(1000, 1.0))


@pytest.fixture
async def client() -> AsyncIterator[Client]:
    made = Client()
    yield made
    await made.aclose()


class Calls:
    """A scripted ``send``/``find`` pair: what each send raises, and what the look-up finds."""

    def __init__(self, *errors: Exception, found: str | None = None) -> None:
        self.errors, self.found = list(errors), found
        self.sent = self.looked = 0

    async def send(self) -> str:
        self.sent += 1
        if self.errors:
            raise self.errors.pop(0)
        return "made"

    async def find(self) -> str | None:
        self.looked += 1
        return self.found


async def test_an_unknown_outcome_is_looked_up_before_sending_again(client: Client) -> None:
    found = Calls(OutcomeUnknown("lost"), found="already there")
    assert await client._create("item", found.send, found.find) == "already there"
    assert (found.sent, found.looked) == (1, 1)

    missing = Calls(OutcomeUnknown("lost"))
    assert await client._create("item", missing.send, missing.find) == "made"
    assert (missing.sent, missing.looked) == (2, 1)


async def test_a_create_never_confirmed_gives_up_plainly(client: Client) -> None:
    calls = Calls(*(OutcomeUnknown("lost") for _ in range(CREATE_ATTEMPTS)))
    with pytest.raises(OutcomeUnknown, match="Acme didn't confirm creating the item"):
        await client._create("item", calls.send, calls.find)
    assert calls.sent == calls.looked == CREATE_ATTEMPTS


async def test_a_taken_error_adopts_what_exists_else_stands(client: Client) -> None:
    adopted = Calls(ValidationError("id already used"), found="earlier attempt")
    result = await client._create("item", adopted.send, adopted.find, taken=(ValidationError,))
    assert result == "earlier attempt"
    refused = Calls(ValidationError("bad title"))
    with pytest.raises(ValidationError, match="bad title"):
        await client._create("item", refused.send, refused.find, taken=(ValidationError,))
    assert refused.sent == 1


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-05-01T10:00:00.000Z", datetime(2026, 5, 1, 10, tzinfo=UTC)),
        ("2026-05-01T12:00:00+02:00", datetime(2026, 5, 1, 10, tzinfo=UTC)),  # converted, not kept at +02
        ("2026-05-01T10:00:00", datetime(2026, 5, 1, 10, tzinfo=UTC)),  # naive means UTC
        ("not a time", None),
        (None, None),
    ],
)
def test_timestamps_read_as_aware_utc(raw: str | None, expected: datetime | None) -> None:
    parsed = parse_time(raw)
    assert parsed == expected
    assert parsed is None or (parsed.utcoffset() is not None and parsed.tzinfo is UTC)
