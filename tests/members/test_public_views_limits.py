"""Sign-ups cost an SMS each, so one address may start only so many of them."""

from tests.helpers import csrf_token


async def test_an_address_gets_429_after_ten_signup_attempts(client) -> None:
    token = await csrf_token(client, "/join")
    statuses = []
    for _ in range(11):
        response = await client.post("/join", data={"csrf_token": token, "phone": "not a number"})
        statuses.append(response.status)
    assert statuses[:10] == [422] * 10
    assert statuses[10] == 429
    assert "För många försök" in await response.text()
    leave = await client.post("/leave", data={"csrf_token": token, "phone": "070-123 45 67"})
    assert leave.status == 429
