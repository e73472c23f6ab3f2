"""accounts: a GitHub user who renames their account stays one person, named by the login they
have now, in every core table; a login given up and taken by another account stays with each."""

from __future__ import annotations

import json
from pathlib import Path

from miner.config import Config
from miner.sync import import_mirror
from miner.warehouse import Warehouse
from tests.mirror_builder import MirrorBuilder, account_renamed, user


def _import(tmp: Path, b: MirrorBuilder, renames: dict[str, str]) -> Warehouse:
    root = b.write(tmp / "mirror")
    for old, new in renames.items():
        account_renamed(root, old, new)
    wh = Warehouse.open(tmp / "w.duckdb")
    import_mirror(wh, Config(), root)
    return wh


def test_payloads_older_than_a_rename_name_the_login_now(tmp_path: Path) -> None:
    """The org's member list says Bobby; alice's PR still names him bob, under the same account
    id: asked at 0 h, he commented at 2 h and reviewed at 4 h (the wait is Bobby's, 4 hours,
    answered by him), and his is one person in web. One fetch gave both spellings: the member
    list, what GitHub says of the account now, wins."""
    b = MirrorBuilder(teams={"web": ["alice", "Bobby"]})
    b.pull("app", "alice", 0).request(0, reviewer="bob").comment("bob", 2, "looks fine").review(
        "bob", 4
    )
    b.pull("app", "bob", 5)
    with _import(tmp_path, b, {"bob": "Bobby"}) as wh:
        # the stored payloads keep bob, under Bobby's account id
        stored = wh.query(
            "select distinct payload ->> '$.user.id' from raw_reviews "
            "where payload ->> '$.user.login' = 'bob'"
        )
        assert stored == [(str(user("bob")["id"]),)]
        assert wh.query("select login, former_logins from accounts where user_id = ?",
                        [user("bob")["id"]]) == [("Bobby", ["bob"])]  # fmt: skip
        assert wh.query("select login, teams from people order by login") == [
            ("Bobby", ["web"]),
            ("alice", ["web"]),
        ]
        assert wh.query("select number, author, author_teams from pull_requests order by 1") == [
            (1, "alice", ["web"]),
            (2, "Bobby", ["web"]),
        ]
        assert wh.query("select reviewer from reviews") == [("Bobby",)]
        assert wh.query("select author from pr_comments") == [("Bobby",)]
        requested = wh.query(
            "select requested_reviewer from pr_events where event = 'review_requested'"
        )
        assert requested == [("Bobby",)]
        waits = wh.query(
            "select reviewer, outcome, responder, wait_hours from review_wait where pr_number = 1"
        )
        assert waits == [("Bobby", "reviewed", "Bobby", 4.0)]


def test_a_login_given_up_and_taken_by_another_account_stays_with_each(tmp_path: Path) -> None:
    """bob (web) renamed his account Bobby; a new account then took the login bob, and joined
    data. PR 1, by the first bob before the rename, is Bobby's; PR 2, by the new bob, is his."""
    b = MirrorBuilder(teams={"web": ["Bobby"], "data": ["bob"]})
    b.pull("app", "bob", 0)
    b.pull("app", "bob", 1)
    root = b.write(tmp_path / "mirror")
    account_renamed(root, "bob", "Bobby")
    # the new bob has an id of his own: every payload naming bob but PR 1's
    pulls = root / "repos" / "acme" / "app" / "pulls.json"
    new_bob = 4242
    prs = json.loads(pulls.read_text())
    prs[1]["user"]["id"] = new_bob
    pulls.write_text(json.dumps(prs))
    for path in (root / "orgs").rglob("members.json"):
        members = json.loads(path.read_text())
        for m in members:
            if m["login"] == "bob":
                m["id"] = new_bob
        path.write_text(json.dumps(members))
    with Warehouse.open(tmp_path / "w.duckdb") as wh:
        import_mirror(wh, Config(), root)
        assert wh.query("select number, author, author_teams from pull_requests order by 1") == [
            (1, "Bobby", ["web"]),
            (2, "bob", ["data"]),
        ]
        assert wh.query("select login, teams from people order by login") == [
            ("Bobby", ["web"]),
            ("bob", ["data"]),
        ]


def test_a_noreply_address_with_an_account_id_names_the_login_now(tmp_path: Path) -> None:
    """A PR commit by ID+bob@users.noreply.github.com, which GitHub did not tie to an account:
    the address was made when the account was bob; it is Bobby's now."""
    b = MirrorBuilder(teams={"web": ["alice", "Bobby"]})
    pr = b.pull("app", "alice", 0).commit(0)
    pr.commits[0]["author"] = None
    address = f"{user('bob')['id']}+bob@users.noreply.github.com"
    pr.commits[0]["commit"]["author"]["email"] = address
    with _import(tmp_path, b, {"bob": "Bobby"}) as wh:
        assert wh.query("select email, login, source from identities") == [
            (address, "Bobby", "noreply")
        ]


def test_the_config_naming_a_renamed_login_is_told_the_login_now(tmp_path: Path) -> None:
    """[teams] and [git.identities] name bob, renamed Bobby since: the views name him Bobby, so
    each is told (bob in [teams] would be a person with no work, Bobby one in no team of the
    config). cy, whose login was never anyone else's, is not named; nor is a login given up
    and taken by another account (rob, an older login of Bobby's, is another member's now)."""
    from miner.config import GitConfig
    from miner.transform import renamed_logins

    b = MirrorBuilder(teams={"web": ["Bobby", "cy", "rob"]})
    b.pull("app", "bob", 0)
    b.pull("app", "rob", 1)
    root = b.write(tmp_path / "mirror")
    account_renamed(root, "bob", "Bobby")
    pulls = root / "repos" / "acme" / "app" / "pulls.json"
    prs = json.loads(pulls.read_text())
    prs[1]["user"]["id"] = user("bob")["id"]  # PR 2: by rob, the account's name before bob
    pulls.write_text(json.dumps(prs))
    config = Config(
        teams={"web": ("bob", "cy", "rob")},
        git=GitConfig(identities={"bob@corp.example": "BOB"}),
        source=Path("miner.toml"),
    )
    with Warehouse.open(tmp_path / "w.duckdb") as wh:
        import_mirror(wh, config, root)
        assert renamed_logins(wh, config) == [
            "miner.toml: [teams] web: 'bob' was renamed 'Bobby' on GitHub, and the views name "
            "that person so: write 'Bobby' here, or this does not reach them",
            "miner.toml: [git.identities] 'bob@corp.example': 'BOB' was renamed 'Bobby' on "
            "GitHub, and the views name that person so: write 'Bobby' here, or this does not "
            "reach them",
        ]
