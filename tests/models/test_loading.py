"""Model specs, the backend registry and clear one-line errors for bad models."""

from __future__ import annotations

from pathlib import Path

import pytest

import sovaudit
from sovaudit.errors import SovauditError
from sovaudit.models.base import LanguageModel
from sovaudit.models.cache import CachedModel
from sovaudit.models.hf import HFModel
from sovaudit.models.loading import BACKENDS, LoadOptions, ModelSpec, load_model, parse_spec, register_backend


def test_parse_openai_spec() -> None:
    spec = parse_spec("openai:http://127.0.0.1:8080/v1#gemma-3")
    assert (spec.backend, spec.base_url, spec.model, spec.name) == (
        "openai",
        "http://127.0.0.1:8080/v1",
        "gemma-3",
        "gemma-3",
    )


@pytest.mark.parametrize("bad", ["openai:http://x", "openai:#m", "openai:http://x#"])
def test_bad_openai_spec(bad: str) -> None:
    with pytest.raises(SovauditError, match="openai:<base-url>#<model>"):
        parse_spec(bad)


def test_folder_and_prefix(tiny_gemma: Path) -> None:
    assert parse_spec(str(tiny_gemma)).backend == "hf"
    spec = parse_spec(f"hf:{tiny_gemma}")
    assert (spec.backend, spec.path, spec.name) == ("hf", tiny_gemma.resolve(), "tiny-gemma3")
    assert parse_spec(f"llamacpp:{tiny_gemma}").backend == "llamacpp"


def test_unknown_model_names_the_choices(tmp_path: Path) -> None:
    with pytest.raises(SovauditError, match=r"not found.*gemma3-270m") as err:
        parse_spec(str(tmp_path / "nope.gguf"))
    assert "\n" not in str(err.value)


def test_hub_ids_only_with_hf_prefix() -> None:
    assert parse_spec("hf:someorg/some-model").hub_id == "someorg/some-model"
    with pytest.raises(SovauditError, match="not found"):
        parse_spec("someorg/some-model")


def test_folder_that_is_not_a_model(tmp_path: Path) -> None:
    (tmp_path / "readme.txt").write_text("hello")
    with pytest.raises(SovauditError, match="not a transformers model folder"):
        load_model(str(tmp_path))


def test_file_that_is_not_gguf(tmp_path: Path) -> None:
    bad = tmp_path / "model.gguf"
    bad.write_bytes(b"PK\x03\x04 not a gguf at all")
    with pytest.raises(SovauditError, match="not a GGUF file"):
        load_model(str(bad))


def test_truncated_gguf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOVAUDIT_HOME", str(tmp_path / "home"))
    bad = tmp_path / "model.gguf"
    bad.write_bytes(b"GGUF\x03\x00\x00\x00" + b"\x00" * 5)
    with pytest.raises(SovauditError, match="cannot read the GGUF") as err:
        load_model(str(bad))
    assert "\n" not in str(err.value)
    assert not (tmp_path / "home" / "models" / "hf").exists() or not any(
        (tmp_path / "home" / "models" / "hf").iterdir()
    )


def test_load_model_is_cached_unless_told(tiny_gemma: Path) -> None:
    cached = sovaudit.load_model(str(tiny_gemma))
    assert isinstance(cached, CachedModel) and cached.inner.digest == cached.digest
    assert cached.info == cached.inner.info  # the wrapper states the model's info, changes no number
    plain = load_model(str(tiny_gemma), cache=False)
    assert isinstance(plain, HFModel)
    assert plain.digest == cached.digest and len(plain.digest) == 64


def test_register_backend_is_used(tiny_gemma: Path) -> None:
    seen: list[tuple[ModelSpec, LoadOptions]] = []

    def factory(spec: ModelSpec, opts: LoadOptions) -> LanguageModel:
        seen.append((spec, opts))
        return HFModel(spec.path or Path("."))

    register_backend("mine", factory)
    try:
        model = load_model(f"mine:{tiny_gemma}", cache=False, max_length=16)
        assert isinstance(model, HFModel) and seen[0][0].backend == "mine" and seen[0][1].max_length == 16
    finally:
        BACKENDS.pop("mine")


def test_max_length_option(tiny_gemma: Path) -> None:
    model = load_model(str(tiny_gemma), cache=False, max_length=16)
    assert isinstance(model, HFModel) and model.max_length == 16
    (res,) = model.loglikelihood_rolling(["All human beings are born free and equal in dignity and rights."])
    assert res.n_tokens > 16  # windowed, not crashed


def test_unreachable_hub_id_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("huggingface_hub")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", "/nonexistent-sovaudit-test")
    with pytest.raises(SovauditError, match="cannot fetch model 'nobody/none-such'") as info:
        load_model("hf:nobody/none-such", cache=False)
    assert "\n" not in str(info.value)
