"""How miner signs in to GitHub: a personal access token (from the environment, or the gh
CLI's), or a GitHub App's installation, whose short-lived tokens PyGithub renews itself."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from github import Auth, GithubException, GithubIntegration

from miner.config import Config
from miner.errors import ConfigError, GitHubError
from miner.github_client import unreachable


@dataclass(frozen=True)
class Credentials:
    """What the API client signs with, and a way to a token for git (None: anonymous)."""

    auth: Auth.Auth | None
    source: str  # where from: "$GITHUB_TOKEN", "the gh CLI (github.com)", "GitHub App 123 (...)"

    def token(self) -> str | None:
        """A token git can send now (an installation's is renewed when near its expiry)."""
        if isinstance(self.auth, Auth.Token):
            return self.auth.token
        if isinstance(self.auth, Auth.AppInstallationAuth):
            return self.auth.token
        return None


def credentials(config: Config, org: str) -> Credentials | None:
    """The config's way in: its GitHub App when [github.app] is set, else a token; None when
    there is neither."""
    gh = config.github
    if gh.app_id is None or gh.app_private_key is None:
        token, found = gh.found_token()
        return Credentials(Auth.Token(token), found) if token else None
    where = f"{config.source or 'the config'}: [github.app] private_key = {gh.app_private_key!r}"
    key_file = Path(gh.app_private_key).expanduser()
    if config.source is not None and not key_file.is_absolute():
        key_file = config.source.parent / key_file
    try:
        key = key_file.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{where}: {exc.strerror or exc}") from exc
    try:
        app = Auth.AppAuth(gh.app_id, key)
        app.create_jwt()  # a key that is no RSA private key fails here, not mid-sync
    except Exception as exc:  # jwt's and cryptography's errors: never the key's text
        raise ConfigError(f"{where}: not a PEM private key ({type(exc).__name__})") from None
    installation = gh.app_installation_id
    if installation is None and not org:
        raise ConfigError(f"{config.source or 'the config'}: [github] org: missing")
    integration = GithubIntegration(auth=app, base_url=gh.api_url)
    named = installation  # the config's, else the one found on the org
    try:
        if installation is None:
            installation = integration.get_org_installation(org).id
        # a token asked for now: a key, an app id or an installation GitHub refuses (a wrong
        # installation_id, a suspended installation) is said before the sync makes the
        # warehouse file, not by its first request
        integration.get_access_token(installation)
    except GithubException as exc:
        refused = _app_refused(gh.app_id, org, exc.status, installation, named=named)
        raise GitHubError(refused, status=exc.status) from None
    except Exception as exc:  # the network: what a request of the sync's own says of it
        said = unreachable(exc) or f"{type(exc).__name__}: {exc}"
        raise GitHubError(f"GitHub App {gh.app_id}: {said}") from None
    finally:
        integration.close()
    return Credentials(
        app.get_installation_auth(installation),
        f"GitHub App {gh.app_id} (installation {installation})",
    )


def _app_refused(
    app_id: int, org: str, status: int, installation: int | None, *, named: int | None
) -> str:
    """What GitHub's refusal of the app's JWT means: `installation` is the one a token was
    asked for (None: none found on the org), `named` the config's installation_id."""
    if status == 401:
        return (
            f"GitHub App {app_id}: GitHub refused the app's signature (401): check [github.app] "
            "id and private_key, and this machine's clock"
        )
    if named is not None:
        return (
            f"GitHub App {app_id}: GitHub gives no token for [github.app] installation_id = "
            f"{named} ({status}): check it, or leave it out to find the app's installation "
            "on the org"
        )
    if installation is not None:  # found on the org, and refused a token: suspended, say
        return (
            f"GitHub App {app_id}: GitHub gives its installation {installation} on {org} no "
            f"token ({status}): see the installation's settings on the org"
        )
    return (
        f"GitHub App {app_id}: no installation on {org} ({status}): install the app on the org, "
        "or set [github.app] installation_id"
    )
