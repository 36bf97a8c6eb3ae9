"""Podcast feeds through the API: follow a loopback feed, list and import its episodes, refuse
hostile feeds (nothing stored, the canary asked for nothing), and auto-import a fourth episode
exactly once across a worker restart. Real HTTP servers on 127.0.0.1, real SQLite, a real Worker."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from spaceclip.config import Settings
from spaceclip.db import Database
from spaceclip.models.tables import Feed, FeedEpisode, Project
from spaceclip.tasks.worker import Worker
from tests.factories import UserFactory
from tests.feeds import BILLION_LAUGHS, RSS_TYPE, canary, external_entity, item, rss
from tests.ingest import LoopbackServer
from tests.media import cached, make_speech
from tests.test_worker import wait_until

MB = 1024 * 1024
FEEDS = "/api/feeds"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Loopback allowed (the test servers), and feeds due again 0.3 s after each check."""
    return settings.model_copy(update={"allow_private_urls": True, "feed_poll_s": 0.3})


@pytest.fixture
def watch() -> Iterator[LoopbackServer]:
    server = canary()
    yield server
    server.close()


@pytest.fixture
def show(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LoopbackServer]:
    """A podcast on loopback: /feed.xml with episodes 1-3, each a short spoken WAV."""
    speech = cached(tmp_path_factory.getbasetemp() / "feeds" / "speech.wav", make_speech).read_bytes()
    server = LoopbackServer({f"/ep{n}.wav": (speech, "audio/wav") for n in range(1, 6)})
    server.files["/feed.xml"] = (rss(*(item(n, server.url("")) for n in (1, 2, 3))), RSS_TYPE)
    yield server
    server.close()


def publish(server: LoopbackServer, *episodes: str) -> None:
    server.files["/feed.xml"] = (rss(*episodes), RSS_TYPE)


def projects_from(database: Database, url: str) -> int:
    with database.session() as db:
        return db.scalar(select(func.count()).select_from(Project).where(Project.source_url == url)) or 0


def test_follow_list_and_import_one_then_all(
    client: TestClient, make_client: Callable[..., TestClient], users: UserFactory, show: LoopbackServer
) -> None:
    users.sign_in(client, users.create())
    resp = client.post(FEEDS, json={"url": show.url("/feed.xml")})
    assert resp.status_code == 201, resp.text
    feed = resp.json()
    assert (feed["title"], feed["status"], feed["last_error"], feed["episode_count"]) == (
        "Loopback Show",
        "ok",
        None,
        3,
    )
    assert client.post(FEEDS, json={"url": show.url("/feed.xml")}).status_code == 409

    episodes = client.get(f"{FEEDS}/{feed['id']}/episodes").json()
    assert [e["title"] for e in episodes] == ["Episode 3", "Episode 2", "Episode 1"], "newest first"
    assert all(e["imported_at"] is None and e["problem"] is None for e in episodes)

    first = episodes[-1]["id"]
    one = client.post(f"{FEEDS}/{feed['id']}/import", json={"episode_ids": [first]})
    assert one.status_code == 202, one.text
    assert len(one.json()["project_ids"]) == 1 and len(one.json()["job_ids"]) == 1
    again = client.post(f"{FEEDS}/{feed['id']}/import", json={"episode_ids": [first]})
    assert again.status_code == 409 and "already imported" in again.json()["detail"]

    rest = client.post(f"{FEEDS}/{feed['id']}/import", json={}).json()
    assert len(rest["project_ids"]) == 2 and rest["skipped"] == []
    assert client.post(f"{FEEDS}/{feed['id']}/import", json={}).json()["project_ids"] == [], "nothing left"

    projects = client.get("/api/projects").json()["items"]
    assert sorted(p["name"] for p in projects) == ["Episode 1", "Episode 2", "Episode 3"]
    assert {p["source_url"] for p in projects} == {show.url(f"/ep{n}.wav") for n in (1, 2, 3)}
    linked = {e["project_id"] for e in client.get(f"{FEEDS}/{feed['id']}/episodes").json()}
    assert linked == {p["id"] for p in projects}

    other = make_client()
    users.sign_in(other, users.create())
    for method, url in [
        ("GET", f"{FEEDS}/{feed['id']}"),
        ("GET", f"{FEEDS}/{feed['id']}/episodes"),
        ("POST", f"{FEEDS}/{feed['id']}/refresh"),
        ("DELETE", f"{FEEDS}/{feed['id']}"),
    ]:
        assert other.request(method, url).status_code == 404, (method, url)
    assert other.get(FEEDS).json() == []


def test_hostile_feeds_are_refused_and_nothing_is_stored(
    client: TestClient, users: UserFactory, database: Database, watch: LoopbackServer
) -> None:
    users.sign_in(client, users.create())
    big = b"<rss version='2.0'><channel>" + b" " * (50 * MB) + b"</channel></rss>"
    server = LoopbackServer(
        {
            "/laughs.xml": (BILLION_LAUGHS, RSS_TYPE),
            "/xxe.xml": (external_entity(watch.url("/secret")), RSS_TYPE),
            "/big.xml": (big, RSS_TYPE),
        },
        redirects={
            "/metadata.xml": (302, "http://169.254.169.254/latest/meta-data/"),
            "/lan.xml": (307, "http://10.1.2.3/feed.xml"),
        },
    )
    cases = {
        "/laughs.xml": ("feed_refused", "billion laughs"),
        "/xxe.xml": ("feed_refused", "external entity"),
        "/big.xml": ("feed_refused", "larger than 10 MB (it says 52.4 MB)"),
        "/metadata.xml": ("url_refused", "private network address"),
        "/lan.xml": ("url_refused", "private network address"),
        "/gone.xml": ("feed_refused", "The feed is gone"),
    }
    try:
        for path, (code, message) in cases.items():
            resp = client.post(FEEDS, json={"url": server.url(path)})
            assert resp.status_code == 400, (path, resp.text)
            assert resp.json()["code"] == code and message in resp.json()["detail"], (path, resp.json())
        for url in ("http://192.168.0.10/feed.xml", "file:///etc/passwd", "http://[fd00::1]/feed"):
            assert client.post(FEEDS, json={"url": url}).json()["code"] == "url_refused", url
    finally:
        server.close()
    assert client.get(FEEDS).json() == []
    with database.session() as db:
        assert db.scalar(select(func.count()).select_from(Feed)) == 0
    assert watch.hits == [], "the canary was asked for something"


def test_bad_enclosures_cannot_be_imported(client: TestClient, users: UserFactory, show: LoopbackServer) -> None:
    users.sign_in(client, users.create())
    base = show.url("")
    publish(
        show,
        item(1, base),
        item(2, base, kind="application/pdf", path="/notes.pdf"),
        item(3, "http://10.0.0.7", kind="audio/mpeg", path="/ep3.mp3"),
    )
    feed = client.post(FEEDS, json={"url": show.url("/feed.xml")}).json()
    by_title = {e["title"]: e for e in client.get(f"{FEEDS}/{feed['id']}/episodes").json()}
    assert "not audio or video (application/pdf)" in by_title["Episode 2"]["problem"]

    pdf = client.post(f"{FEEDS}/{feed['id']}/import", json={"episode_ids": [by_title["Episode 2"]["id"]]})
    assert pdf.status_code == 422 and "not audio or video" in pdf.json()["detail"]
    lan = client.post(f"{FEEDS}/{feed['id']}/import", json={"episode_ids": [by_title["Episode 3"]["id"]]})
    assert lan.status_code == 400 and lan.json()["code"] == "url_refused"
    everything = client.post(f"{FEEDS}/{feed['id']}/import", json={}).json()
    assert len(everything["project_ids"]) == 1, "only the audio episode on a public (here: allowed) host"
    assert len(everything["skipped"]) == 1 and "private network address" in everything["skipped"][0]
    assert [p["name"] for p in client.get("/api/projects").json()["items"]] == ["Episode 1"]
    assert "10.0.0.7" not in " ".join(show.hits)


def test_changed_guids_and_a_vanished_feed_keep_what_was_imported(
    client: TestClient, users: UserFactory, show: LoopbackServer
) -> None:
    users.sign_in(client, users.create())
    feed = client.post(FEEDS, json={"url": show.url("/feed.xml")}).json()
    client.post(f"{FEEDS}/{feed['id']}/import", json={})
    before = client.get(f"{FEEDS}/{feed['id']}/episodes").json()

    base = show.url("")
    publish(show, *(item(n, base, guid=f"rewritten-{n}") for n in (1, 2, 3)), item(4, base))
    state = client.post(f"{FEEDS}/{feed['id']}/refresh").json()
    assert state["status"] == "error" and "gave 3 episode(s) it had already published a new GUID" in state["last_error"]
    assert client.get(f"{FEEDS}/{feed['id']}/episodes").json() == before, "nothing stored from the rewritten feed"

    publish(show, *(item(n, base) for n in (1, 2, 3, 4)))
    state = client.post(f"{FEEDS}/{feed['id']}/refresh").json()
    assert (state["status"], state["last_error"], state["episode_count"]) == ("ok", None, 4)

    del show.files["/feed.xml"]
    state = client.post(f"{FEEDS}/{feed['id']}/refresh").json()
    assert state["status"] == "error" and state["last_error"].startswith(
        "The feed is gone: its address answers HTTP 404"
    )
    assert client.get(f"{FEEDS}/{feed['id']}").json()["last_error"] == state["last_error"]
    assert len(client.get(f"{FEEDS}/{feed['id']}/episodes").json()) == 4
    assert client.delete(f"{FEEDS}/{feed['id']}").status_code == 204
    assert len(client.get("/api/projects").json()["items"]) == 3, "the imported projects stay"


@pytest.mark.slow
def test_auto_import_picks_up_a_new_episode_exactly_once_across_a_worker_restart(
    client: TestClient, users: UserFactory, database: Database, settings: Settings, show: LoopbackServer
) -> None:
    users.sign_in(client, users.create())
    feed = client.post(FEEDS, json={"url": show.url("/feed.xml")}).json()
    recipe = {"platforms": ["youtube_shorts", "tiktok"], "caption_style": "boxed", "clips": 2}
    state = client.patch(f"{FEEDS}/{feed['id']}", json={"auto_import": True, "recipe": recipe}).json()
    assert state["auto_import"] is True and state["recipe"] == recipe
    base = show.url("")
    publish(show, *(item(n, base) for n in (1, 2, 3, 4)))
    fourth = show.url("/ep4.wav")

    def imported() -> bool:
        with database.session() as db:
            return db.scalar(select(FeedEpisode.imported_at).where(FeedEpisode.guid == "ep-4")) is not None

    def checks() -> int:
        return show.hits.count("GET /feed.xml")

    first = Worker(settings)
    first.start()
    try:
        wait_until(imported, timeout=30)
    finally:
        first.stop()
    assert projects_from(database, fourth) == 1
    seen = checks()

    second = Worker(settings)
    second.start()
    try:
        wait_until(lambda: checks() >= seen + 3, timeout=30)  # the restarted worker checked the feed 3 more times
        project = client.get("/api/projects").json()["items"][0]
        wait_until(lambda: client.get(f"/api/projects/{project['id']}").json()["status"] in ("ready", "failed"), 240)
    finally:
        second.stop()
    assert projects_from(database, fourth) == 1, "imported exactly once"
    assert [p["name"] for p in client.get("/api/projects").json()["items"]] == ["Episode 4"], "old episodes left alone"
    assert client.get(f"/api/projects/{project['id']}").json()["status"] == "ready", "the enclosure was analysed"
    assert {f"GET /ep{n}.wav" for n in (1, 2, 3)}.isdisjoint(show.hits)
