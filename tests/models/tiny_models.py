"""Tiny randomly initialised causal LMs built from real architecture configs, for offline tests."""

from __future__ import annotations

from pathlib import Path

TRAIN_TEXT = [
    "All human beings are born free and equal in dignity and rights.",
    "They are endowed with reason and conscience and should act towards one another"
    " in a spirit of brotherhood.",
    "Everyone is entitled to all the rights and freedoms set forth in this Declaration.",
    "Kila mtu amezaliwa huru, hadhi na haki zake ni sawa.",
    "Tous les êtres humains naissent libres et égaux en dignité et en droits.",
    "Die Würde des Menschen ist unantastbar. Όλοι οι άνθρωποι γεννιούνται ελεύθεροι.",
]


def make_tokenizer(bos: bool = True) -> object:
    """A byte-level BPE tokenizer (vocab ~400) that adds ``<bos>`` like Gemma when ``bos`` is true."""
    from transformers import PreTrainedTokenizerFast

    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    specials = ["<pad>", "<eos>", "<bos>", "<unk>"]
    trainer = trainers.BpeTrainer(
        vocab_size=400, special_tokens=specials, initial_alphabet=pre_tokenizers.ByteLevel.alphabet()
    )
    tok.train_from_iterator(TRAIN_TEXT * 3, trainer=trainer)
    if bos:
        tok.post_processor = processors.TemplateProcessing(
            single="<bos> $A", pair="<bos> $A $B", special_tokens=[("<bos>", tok.token_to_id("<bos>"))]
        )
    return PreTrainedTokenizerFast(
        tokenizer_object=tok,
        bos_token="<bos>" if bos else None,
        eos_token="<eos>",
        pad_token="<pad>",
        unk_token="<unk>",
    )


def make_tiny_model(
    folder: Path, arch: str = "gemma3", max_position_embeddings: int = 128, seed: int = 0
) -> Path:
    """Save a tiny random model in ``folder``: ``gemma3`` (sliding window 8) or ``llama`` (no BOS)."""
    import torch
    from transformers import Gemma3ForCausalLM, Gemma3TextConfig, LlamaConfig, LlamaForCausalLM

    tokenizer = make_tokenizer(bos=arch == "gemma3")
    vocab = len(tokenizer)  # type: ignore[arg-type]
    torch.manual_seed(seed)
    if arch == "gemma3":
        config = Gemma3TextConfig(
            vocab_size=vocab,
            hidden_size=32,
            intermediate_size=64,
            num_hidden_layers=3,
            num_attention_heads=2,
            num_key_value_heads=1,
            head_dim=16,
            sliding_window=8,
            layer_types=["sliding_attention", "sliding_attention", "full_attention"],
            max_position_embeddings=max_position_embeddings,
            pad_token_id=0,
            eos_token_id=1,
            bos_token_id=2,
        )
        model = Gemma3ForCausalLM(config)
    else:
        config = LlamaConfig(
            vocab_size=vocab,
            hidden_size=32,
            intermediate_size=64,
            num_hidden_layers=2,
            num_attention_heads=4,
            num_key_value_heads=2,
            max_position_embeddings=max_position_embeddings,
            pad_token_id=0,
            eos_token_id=1,
            bos_token_id=None,
        )
        model = LlamaForCausalLM(config)
    # larger random weights than the default init, so that distributions are far from uniform
    with torch.no_grad():
        for p in model.parameters():
            if p.dim() >= 2:
                p.normal_(0, 0.3)
    model.eval()
    folder.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(folder))
    tokenizer.save_pretrained(str(folder))  # type: ignore[attr-defined]
    return folder
