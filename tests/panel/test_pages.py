import io

from panel.app import create_app


async def test_home_page_in_swedish_and_english(client) -> None:
    response = await client.get("/")
    assert response.status == 200
    text = await response.text()
    assert '<html lang="sv">' in text and "Lämna en synpunkt" in text
    response = await client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"})
    english = await response.text()
    assert '<html lang="en">' in english and "Give feedback" in english and "Lämna en synpunkt" not in english


async def test_language_choice_is_remembered(client) -> None:
    response = await client.get("/lang/en?next=/", allow_redirects=False)
    assert response.status == 303
    assert '<html lang="en">' in await (await client.get("/")).text()


async def test_security_headers(client) -> None:
    response = await client.get("/")
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"


async def test_not_found_is_a_page_in_the_users_language(client) -> None:
    response = await client.get("/no/such/page", headers={"Accept-Language": "sv"})
    assert response.status == 404
    assert "Sidan hittades inte" in await response.text()


async def test_oversized_body_gets_413(aiohttp_client, make_settings) -> None:
    client = await aiohttp_client(create_app(make_settings(max_request_bytes=2048)))
    await client.get("/login")
    body = io.BytesIO(b"username=" + b"x" * 5000)
    response = await client.post("/login", data=body, headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status == 413
    assert "för stort" in await response.text()


def test_web_addresses_in_a_text_become_links_and_the_rest_stays_escaped() -> None:
    from panel.web import links

    html = str(links('Svara: https://kommun.se/s/Ab-9_x. <b>"Tack"</b> http://x.se/t/1?a=1&b=2'))
    assert '<a href="https://kommun.se/s/Ab-9_x">https://kommun.se/s/Ab-9_x</a>.' in html
    assert '<a href="http://x.se/t/1?a=1&amp;b=2">' in html
    assert "&lt;b&gt;&#34;Tack&#34;&lt;/b&gt;" in html and "<b>" not in html
    assert str(links("ingen länk")) == "ingen länk"


async def test_the_icon_is_served_where_browsers_look_for_it(client) -> None:
    home = await (await client.get("/")).text()
    assert '<link rel="icon" href="/static/favicon.svg"' in home
    response = await client.get("/favicon.ico")
    assert response.status == 200 and response.content_type == "image/svg+xml"
    assert "<svg" in await response.text()


async def test_a_viewer_is_not_offered_to_build_surveys(client, login) -> None:
    await login(client, "viewer")
    page = await (await client.get("/staff")).text()
    assert "Resultaten av panelens enkäter" in page and "Bygg, skicka" not in page


async def test_in_the_console_demo_the_links_in_sms_texts_can_be_followed(client, login, app) -> None:
    from panel.keys import DB
    from sms import outbox

    async with app[DB].transaction() as tx:
        await outbox.enqueue(tx, recipient="+46701234560", body="Svara: https://example.se/s/tok0",
                             purpose="invitation")
    await login(client, "analyst")
    page = await (await client.get("/staff/outbox")).text()
    assert '<a href="https://example.se/s/tok0">https://example.se/s/tok0</a>' in page
