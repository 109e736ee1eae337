"""The real embedded Gemma 3 270M through the hf backend: GGUF conversion, reload identity, lm-eval rules."""

from __future__ import annotations

import pytest
import torch

from sovaudit.models.hf import HFModel
from sovaudit.models.loading import load_model, parse_spec

TEXT = "All human beings are born free and equal in dignity and rights."


@pytest.mark.slow
def test_converted_folder_gives_identical_logits() -> None:
    """The safetensors conversion reloads to exactly the logits of the model read from the GGUF."""
    import transformers

    model = load_model("gemma3-270m", cache=False)
    assert isinstance(model, HFModel)
    spec = parse_spec("gemma3-270m")
    assert spec.path is not None and model.digest == spec.digest
    direct = transformers.AutoModelForCausalLM.from_pretrained(
        str(spec.path.parent), gguf_file=spec.path.name, dtype=torch.float32
    ).eval()
    ids = torch.tensor([model.encode(TEXT)])
    with torch.no_grad():
        a = direct(ids).logits
        b = model.model(ids).logits
    assert torch.equal(a, b)
    assert model.max_length == 32768 and model.prefix_token == model.tokenizer.bos_token_id == 2
    (res,) = model.loglikelihood_rolling([TEXT])
    assert res.n_tokens == 13 and res.logprob == pytest.approx(-24.8546, abs=1e-3)
    ((lp, greedy),) = model.loglikelihood([("All human beings are born free and equal in", " dignity")])
    assert lp > -3 and isinstance(greedy, bool)
