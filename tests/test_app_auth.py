"""Syncing as a GitHub App: the app's JWT finds its installation on the org and gets an
installation token, which the API and git mirrors use; the key never leaves the process."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from miner.fixtures_server import FixtureServer
from tests.test_secrets import _miner

APP_ID = 31337


@pytest.fixture(scope="module")
def served(small_org: Path) -> Path:
    return small_org


def _keys(folder: Path) -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())  # fmt: skip
    (folder / "app.pem").write_bytes(pem)
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def test_a_sync_as_a_github_app_installation(served: Path, tmp_path: Path) -> None:
    public = _keys(tmp_path)
    with FixtureServer(served, token="a-token-nobody-has", app=(APP_ID, public)) as server:
        (tmp_path / "miner.toml").write_text(
            f'[github]\norg = "acme"\napi_url = "{server.url}"\n\n'
            f'[github.app]\nid = {APP_ID}\nprivate_key = "app.pem"\n\n[git]\nmirrors = true\n'
        )
        env_token = os.environ.pop("GITHUB_TOKEN", None)
        try:
            out = _miner(tmp_path, "sync", token="")
        finally:
            if env_token is not None:
                os.environ["GITHUB_TOKEN"] = env_token
        paths = [r.path for r in server.requests]
    assert out.returncode == 0, out.stderr.decode()
    assert paths[:2] == ["/orgs/acme/installation", "/app/installations/4242/access_tokens"]
    assert b"synced acme: 2 repos, 40 PRs new" in out.stderr
    key = (tmp_path / "app.pem").read_bytes().splitlines()[1]
    for path in tmp_path.rglob("*"):
        if path.is_file() and path.name != "app.pem":
            assert key not in path.read_bytes(), path


def test_an_app_not_installed_on_the_org_says_so(served: Path, tmp_path: Path) -> None:
    public = _keys(tmp_path)
    with FixtureServer(served, app=(APP_ID, public)) as server:
        (tmp_path / "miner.toml").write_text(
            f'[github]\norg = "globex"\napi_url = "{server.url}"\n\n'
            f'[github.app]\nid = {APP_ID}\nprivate_key = "app.pem"\n'
        )
        out = _miner(tmp_path, "sync", token="")
    assert out.returncode == 1
    assert out.stderr.decode().strip().splitlines() == [
        f"Error: GitHub App {APP_ID}: no installation on globex (404): install the app on the "
        "org, or set [github.app] installation_id"
    ]


@pytest.mark.parametrize("command", ["sync", "doctor"])
def test_a_github_the_app_cannot_reach_is_one_line(tmp_path: Path, command: str) -> None:
    """The app looks its installation up before any other request: a GitHub that cannot be
    reached there (a port nothing listens on) is the one line any other request gives, with
    exit 1, not a Python traceback in the cron mail."""
    import socket

    _keys(tmp_path)
    with socket.socket() as sock:  # a real port nothing listens on: bound, then closed
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    (tmp_path / "miner.toml").write_text(
        f'[github]\norg = "acme"\napi_url = "http://127.0.0.1:{port}"\n\n'
        f'[github.app]\nid = {APP_ID}\nprivate_key = "app.pem"\n'
    )
    out = _miner(tmp_path, command, token="")
    printed = out.stdout.decode() + out.stderr.decode()  # doctor's checks go to stdout
    assert out.returncode == 1
    assert "Traceback" not in printed
    assert f"GitHub App {APP_ID}: cannot reach 127.0.0.1:{port}: Connection refused" in printed


@pytest.mark.parametrize(
    ("app_id", "key", "installation", "said"),
    [
        # another key than the one GitHub has for the app
        (APP_ID, "other", None, f"GitHub App {APP_ID}: GitHub refused the app's signature (401)"),
        # another app's id, signed with this app's key
        (APP_ID + 1, "app", None, f"GitHub App {APP_ID + 1}: GitHub refused the app's signature"),
        # an installation id that is not the app's: nothing but the token asks GitHub of it
        (
            APP_ID,
            "app",
            999,
            f"GitHub App {APP_ID}: GitHub gives no token for [github.app] "
            "installation_id = 999 (404)",
        ),
    ],
)
def test_a_github_app_github_refuses_leaves_no_warehouse_file(
    served: Path, tmp_path: Path, app_id: int, key: str, installation: int | None, said: str
) -> None:
    """A cron job signing in as an app GitHub refuses gets one line and exit 1, and finds no
    empty miner.duckdb made by a sync that never could start."""
    public = _keys(tmp_path)
    if key == "other":  # the config's key is not the one the server knows
        _keys(tmp_path)
    chosen = f"installation_id = {installation}\n" if installation is not None else ""
    with FixtureServer(served, token="a-token-nobody-has", app=(APP_ID, public)) as server:
        (tmp_path / "miner.toml").write_text(
            f'[github]\norg = "acme"\napi_url = "{server.url}"\n\n'
            f'[github.app]\nid = {app_id}\nprivate_key = "app.pem"\n{chosen}'
        )
        out = _miner(tmp_path, "sync", token="")
    lines = out.stderr.decode().strip().splitlines()
    assert out.returncode == 1
    assert len(lines) == 1 and lines[0].startswith(f"Error: {said}"), lines
    assert not (tmp_path / "miner.duckdb").exists()


def _app_sync(mirror: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    """`miner sync ARGS` of `mirror` as the app's installation (no token in the environment)."""
    public = _keys(tmp_path)
    with FixtureServer(mirror, token="a-token-nobody-has", app=(APP_ID, public)) as server:
        (tmp_path / "miner.toml").write_text(
            f'[github]\norg = "acme"\napi_url = "{server.url}"\n\n'
            f'[github.app]\nid = {APP_ID}\nprivate_key = "app.pem"\n'
        )
        return _miner(tmp_path, "sync", *args, token="")


@pytest.mark.parametrize("api", ["rest", "graphql"])
def test_an_app_refused_a_repos_parts_is_told_in_githubs_words_to_an_app(
    served: Path, tmp_path: Path, api: str
) -> None:
    """An app installed without Actions and Deployments permissions: GitHub refuses it those
    parts "by integration" (a personal access token is refused "by personal access token"),
    on REST (403) and GraphQL (FORBIDDEN) alike, and the run names the permissions it needs."""
    from miner.fixtures_server import FORBIDDEN

    mirror = tmp_path / "mirror"
    shutil.copytree(served, mirror)
    (mirror / "repos" / "acme" / "web-app" / FORBIDDEN).write_text("actions\ndeployments\n")
    out = _app_sync(mirror, tmp_path, "--api", api)
    errors = [line for line in out.stderr.decode().splitlines() if line.startswith("Error:")]
    assert out.returncode == 3, out.stderr.decode()  # partial
    assert errors[0] == (
        "Error: acme/web-app: deployments and workflow runs not readable by the GitHub App's "
        "installation, which needs read access to Actions and Deployments (set in the app's "
        "settings, accepted by an org owner on its installation) ("
        + ("GET /repos/acme/web-app/deployments: 403 " if api == "rest" else "POST /graphql: ")
        + "Resource not accessible by integration); the rest of the repo synced"
    )


@pytest.mark.parametrize("api", ["rest", "graphql"])
def test_an_app_refused_the_orgs_teams_is_told_the_permission_an_app_needs(
    served: Path, tmp_path: Path, api: str
) -> None:
    """An app installed without the org's Members permission: GitHub refuses it the org's teams
    "by integration"; the one line names the permission, for an app as for a fine-grained
    token."""
    from miner.fixtures_server import FORBIDDEN

    mirror = tmp_path / "mirror"
    shutil.copytree(served, mirror)
    (mirror / "orgs" / "acme" / FORBIDDEN).write_text("teams\n")
    out = _app_sync(mirror, tmp_path, "--api", api, "--quiet")
    (line,) = out.stderr.decode().splitlines()
    assert out.returncode == 1
    assert line.startswith("Error: acme: GitHub refuses this token the org's members or teams (")
    assert line.endswith(
        "Resource not accessible by integration): a GitHub App or a fine-grained token needs "
        "read access to the organization's Members permission, a classic token the read:org "
        "scope (`miner doctor` checks it)"
    )


@pytest.mark.parametrize("signer", ["app", "token"])
def test_doctor_tells_an_app_to_fix_its_permissions_on_the_app(
    served: Path, tmp_path: Path, signer: str
) -> None:
    """An app's permissions are set on the app and accepted by the org's owner on its
    installation; a token's on the token. Doctor's failures say which, for the org's teams and
    for each repo's parts, as GitHub refuses them (by integration, by personal access token)."""
    from miner.fixtures_server import FORBIDDEN

    mirror = tmp_path / "mirror"
    shutil.copytree(served, mirror)
    (mirror / "orgs" / "acme" / FORBIDDEN).write_text("teams\n")
    (mirror / "repos" / "acme" / "mobile-app" / FORBIDDEN).write_text("deployments\nactions\n")
    (mirror / "repos" / "acme" / "web-app" / FORBIDDEN).write_text("contents\n")
    public = _keys(tmp_path)
    token = "ghp_aTokenOfTheTest0123456789"
    with FixtureServer(mirror, token=token, app=(APP_ID, public)) as server:
        app = f'\n[github.app]\nid = {APP_ID}\nprivate_key = "app.pem"\n'
        (tmp_path / "miner.toml").write_text(
            f'[github]\norg = "acme"\napi_url = "{server.url}"\n' + (app if signer == "app" else "")
        )
        out = _miner(tmp_path, "doctor", token="" if signer == "app" else token)
        refusals = {r.path: r.status for r in server.requests if r.status == 403}
    # the repos in the order the org lists them (web-app, then mobile-app)
    failed = [line for line in out.stdout.decode().splitlines() if line.startswith("FAIL")]
    assert out.returncode == 1
    # the server refused what the mirror says, and nothing else
    assert sorted(refusals) == [
        "/orgs/acme/teams",
        "/repos/acme/mobile-app/actions/runs",
        "/repos/acme/mobile-app/deployments",
        "/repos/acme/web-app/contents/",
    ]
    if signer == "app":
        fixed_on_the_app = (
            "(the app's settings, Permissions), and have an owner of acme accept the new "
            "permissions on the app's installation"
        )
        assert failed == [
            f"FAIL teams of acme: give GitHub App {APP_ID} read access to the organization's "
            f"Members permission {fixed_on_the_app}",
            f"FAIL contents, workflow runs and deployments: give GitHub App {APP_ID} read "
            f"access to Actions, Contents and Deployments {fixed_on_the_app} (refused: "
            "Contents of acme/web-app, Actions of acme/mobile-app, Deployments of "
            "acme/mobile-app)",
        ]
    else:
        assert failed == [
            "FAIL teams of acme: grant the token read access to the organization's Members "
            "permission (a classic token: the read:org scope)",
            "FAIL contents, workflow runs and deployments: grant the token read access to "
            "Contents of acme/web-app, Actions of acme/mobile-app, Deployments of "
            "acme/mobile-app",
        ]


def test_doctor_tells_an_app_how_to_reach_a_repo_it_cannot_read(
    served: Path, tmp_path: Path
) -> None:
    """A repo the app's installation lists but may not read (403 to its pulls): the app needs
    Pull requests, and the repo among its installation's repositories, not a token's access."""
    from miner.fixtures_server import FORBIDDEN

    mirror = tmp_path / "mirror"
    shutil.copytree(served, mirror)
    (mirror / "repos" / "acme" / "web-app" / FORBIDDEN).touch()  # the whole repo
    public = _keys(tmp_path)
    with FixtureServer(mirror, token="a-token-nobody-has", app=(APP_ID, public)) as server:
        (tmp_path / "miner.toml").write_text(
            f'[github]\norg = "acme"\napi_url = "{server.url}"\n\n'
            f'[github.app]\nid = {APP_ID}\nprivate_key = "app.pem"\n'
        )
        out = _miner(tmp_path, "doctor", token="")
    failed = [line for line in out.stdout.decode().splitlines() if line.startswith("FAIL")]
    assert out.returncode == 1
    assert failed == [
        f"FAIL 1 of 2 repos readable: add acme/web-app (403) to the repositories of GitHub App "
        f"{APP_ID}'s installation on acme, and give the app read access to Pull requests"
    ]
