"""GraphiQL from the package: it loads and runs queries with nothing but the server."""

import json

from playwright.async_api import Page, expect

from tests.browser.served_board import create_token, gql, shut_in

COUNT = '{ issues(filter: {relationship: "india-china"}) { totalCount } }'


async def test_graphiql_loads_and_runs_its_example_query(
    board_url: str, page: Page
) -> None:
    watched = await shut_in(page, board_url)
    count = (await gql(board_url, COUNT, {}))["issues"]["totalCount"]

    await page.goto(board_url + "/graphql")
    await expect(page.locator(".graphiql-container")).to_be_visible()
    await expect(page.locator(".graphiql-query-editor")).to_contain_text(
        "query IndiaChinaBoard"
    )
    await page.locator(".graphiql-execute-button").click()

    response = page.locator(".graphiql-response")
    # The editor draws only the lines in view: the first ones hold the count.
    await expect(response).to_contain_text(f'"totalCount": {count}', timeout=10_000)
    watched.assert_clean()


async def test_graphiql_sends_the_token_pasted_in_its_headers_pane(
    board_url: str, seeded_url: str, page: Page
) -> None:
    watched = await shut_in(page, board_url)
    token = create_token(seeded_url, "analyst", "reader")
    await page.goto(board_url + "/graphql")
    headers = page.locator(".graphiql-editor-tool .graphiql-editor:visible")

    await headers.locator(".monaco-editor").click()
    # As a paste: typing would meet the editor's closing of brackets and quotes.
    await page.keyboard.insert_text(json.dumps({"Authorization": f"Bearer {token}"}))
    await expect(headers).to_contain_text(f"Bearer {token}")
    await page.locator(".graphiql-execute-button").click()

    await expect(page.locator(".graphiql-response")).to_contain_text('"totalCount"')
    posted = [r for r in watched.requests if r.method == "POST" and "/graphql" in r.url]
    sent = [await r.all_headers() for r in posted]
    assert sent[-1]["authorization"] == f"Bearer {token}"
    watched.assert_clean()
