"""Read an API mirror folder (README: "API mirror folders") as the raw batches a sync stores."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from miner.errors import MirrorError, NotAMirror
from miner.github_client import list_items
from miner.raw import (
    CODEOWNERS_PATHS,
    PR_DETAILS,
    RawBatch,
    batch_of,
    contents_batch,
    contents_object,
    file_changes,
    oldest_first,
    trimmed_run,
)

# Where each PR detail lives in the mirror: the API path under repos/ORG/REPO/.
_DETAIL_PATHS = {
    "reviews": "pulls/{n}/reviews.json",
    "timeline": "issues/{n}/timeline.json",
    "files": "pulls/{n}/files.json",
    "commits": "pulls/{n}/commits.json",
    "comments": "issues/{n}/comments.json",
}


class Mirror:
    """An API mirror folder for one org."""

    def __init__(self, root: Path) -> None:
        if not root.is_dir():
            raise NotAMirror(f"{root}: not a folder")
        self.root = root

    def org(self) -> str:
        orgs = sorted(p.stem for p in (self.root / "orgs").glob("*.json"))
        if len(orgs) != 1:
            found = ", ".join(orgs) or "none"
            raise NotAMirror(f"{self.root / 'orgs'}: expected one ORG.json (found {found})")
        return orgs[0]

    def as_of(self) -> datetime:
        """When the mirror was taken: as_of.txt, else the newest file's modification time."""
        path = self.root / "as_of.txt"
        if path.exists():
            text = path.read_text(encoding="utf-8").strip()
            try:
                return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)
            except ValueError as exc:
                raise MirrorError(f"{path}: {text!r} is not an ISO-8601 time") from exc
        newest = max((p.stat().st_mtime for p in self.root.rglob("*.json")), default=0.0)
        return datetime.fromtimestamp(newest, UTC)

    def org_batches(self) -> list[RawBatch]:
        """The org, its repos, members, teams and each team's members, all read before any is
        stored: they are stored as one, so a file that does not parse keeps the last import's
        lists whole (the views read them as one state of the org)."""
        org = self.org()
        orgs = self.root / "orgs"
        batches = [
            batch_of("orgs", org, None, None, [self._json(orgs / f"{org}.json")], replace=True)
        ]
        for resource in ("repos", "members", "teams"):
            items = self._list(orgs / org / f"{resource}.json")
            batches.append(batch_of(resource, org, None, None, items, replace=True))
        for members in sorted((orgs / org / "teams").glob("*/members.json")):
            slug = members.parent.name
            batches.append(
                batch_of("team_members", org, None, slug, self._list(members), replace=True)
            )
        return batches

    def repo_batches(self) -> Iterator[RawBatch]:
        """Each repo's batches, repo by repo."""
        org = self.org()
        for repo_dir in sorted(p for p in (self.root / "repos" / org).glob("*") if p.is_dir()):
            yield from self._repo_batches(org, f"{org}/{repo_dir.name}", repo_dir)

    def _repo_batches(self, org: str, repo: str, repo_dir: Path) -> Iterator[RawBatch]:
        pulls = self._list(repo_dir / "pulls.json")
        yield batch_of("pulls", org, repo, None, pulls, replace=True)
        for pull in pulls:
            n = pull["number"]
            for resource in PR_DETAILS:
                detail = repo_dir / _DETAIL_PATHS[resource].format(n=n)
                items = self._list(detail)
                yield batch_of(resource, org, repo, str(n), items, replace=True)
        contents = repo_dir / "contents"
        present = {
            path: "present"
            for path in (
                *(f.name for f in contents.glob("*") if f.is_file()),
                *(p for p in CODEOWNERS_PATHS if (contents / p).is_file()),
            )
        }
        for path in file_changes(present, {})[0]:
            # with its cursor (the blob sha), so a later sync knows what it has
            item = contents_object(path, (contents / path).read_bytes())
            yield contents_batch(org, repo, path, item)
        sbom = repo_dir / "dependency-graph" / "sbom.json"
        if sbom.is_file():
            yield batch_of("sbom", org, repo, None, [self._json(sbom)], replace=True)
        deployments = self._list(repo_dir / "deployments.json")
        yield batch_of("deployments", org, repo, None, deployments, replace=True)
        for deployment in deployments:
            n = deployment["id"]
            statuses = self._list(repo_dir / "deployments" / str(n) / "statuses.json")
            yield batch_of(
                "deployment_statuses", org, repo, str(n), oldest_first(statuses), replace=True
            )
        runs = [trimmed_run(r) for r in self._list(repo_dir / "actions" / "runs.json")]
        yield batch_of("workflow_runs", org, repo, None, runs, replace=True)
        # the earlier attempts of each re-run run, as GET .../actions/runs/ID/attempts/N answers
        for run in runs:
            folder = repo_dir / "actions" / "runs" / str(run["id"]) / "attempts"
            numbers = range(1, int(run.get("run_attempt") or 1))
            attempts = [(n, self._object(folder / f"{n}.json")) for n in numbers]
            if numbers:  # the file's path names its run and attempt where its fields do not
                earlier = [trimmed_run({"id": run["id"], "run_attempt": n, **a})
                           for n, a in attempts if a is not None]  # fmt: skip
                yield batch_of(
                    "workflow_run_attempts", org, repo, str(run["id"]), earlier, replace=True
                )

    def _object(self, path: Path) -> dict[str, Any] | None:
        """A JSON object the mirror may hold (None: no such file)."""
        if not path.is_file():
            return None
        data = self._json(path)
        if not isinstance(data, dict):
            raise MirrorError(f"{path}: expected a JSON object, found {type(data).__name__}")
        return data

    def _json(self, path: Path) -> Any:
        try:
            return json.loads(path.read_bytes())
        except FileNotFoundError as exc:
            raise MirrorError(f"{path}: missing") from exc
        except (ValueError, UnicodeDecodeError) as exc:
            raise MirrorError(f"{path}: not valid JSON: {exc}") from exc

    def _list(self, path: Path) -> list[Any]:
        if not path.exists():
            return []
        data = self._json(path)
        if not isinstance(data, list | dict):
            raise MirrorError(f"{path}: expected a JSON array, found {type(data).__name__}")
        return list_items(data)
