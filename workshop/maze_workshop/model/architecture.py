"""Candidate sizes of the embedded model: plain `Qwen2ForCausalLM` decoders, sized by CPU latency.

The model runs on the user's CPU with 2 threads, so every candidate is wide and shallow (fewer, larger
matmuls run closer to peak than many small ones and have fewer ops to dispatch per token), uses
grouped-query attention (a small KV cache to carry between calls) and head_dim 64. Only the standard
library and transformers are imported: train.py imports this on the GPU machine.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

HEAD_DIM = 64


@dataclass(frozen=True)
class Candidate:
    hidden_size: int
    num_layers: int
    num_kv_heads: int
    intermediate_size: int

    @property
    def num_heads(self) -> int:
        return self.hidden_size // HEAD_DIM

    def params(self, vocab_size: int, tied: bool = True) -> int:
        """Parameters of the model (embeddings counted once if tied, twice as in the shipped ONNX if not)."""
        h, kv = self.hidden_size, self.num_kv_heads * HEAD_DIM
        attn = h * h * 2 + h * kv * 2 + h + 2 * kv  # q, o, k, v (+ q/k/v biases)
        mlp = 3 * h * self.intermediate_size
        layer = attn + mlp + 2 * h
        emb = vocab_size * h
        return self.num_layers * layer + h + emb * (1 if tied else 2)


CANDIDATES: dict[str, Candidate] = {
    "h384-l6": Candidate(384, 6, 2, 1152),
    "h512-l4": Candidate(512, 4, 2, 1536),
    "h512-l6": Candidate(512, 6, 2, 1536),
    "h576-l4": Candidate(576, 4, 3, 1728),
    "h640-l4": Candidate(640, 4, 2, 1920),
    "h768-l3": Candidate(768, 3, 4, 1536),
    # Model v2 (issue 14): up to ~1.5x the v1 compute, for 10x the data.
    "h640-l5": Candidate(640, 5, 2, 1920),
    "h576-l6": Candidate(576, 6, 3, 1728),
    "h704-l4": Candidate(704, 4, 2, 2112),
    # For tests and CPU smoke runs only.
    "tiny": Candidate(64, 2, 1, 128),
}
DEFAULT = "h576-l4"  # ~80 ms for 512 + 16 tokens on 2 cores, 25 MB int8: see docs/model-card.md


def make_config(name: str, vocab_size: int, max_positions: int = 2048, *, tied: bool = True,
                eos_token_id: int = 0, pad_token_id: int = 4):  # -> transformers.Qwen2Config
    """The `Qwen2Config` of a candidate. RoPE theta 10k suits contexts of a few thousand tokens."""
    from transformers import Qwen2Config

    c = CANDIDATES[name]
    return Qwen2Config(
        vocab_size=vocab_size,
        hidden_size=c.hidden_size,
        intermediate_size=c.intermediate_size,
        num_hidden_layers=c.num_layers,
        num_attention_heads=c.num_heads,
        num_key_value_heads=c.num_kv_heads,
        max_position_embeddings=max_positions,
        rope_parameters={"rope_type": "default", "rope_theta": 10000.0},
        rms_norm_eps=1e-6,
        tie_word_embeddings=tied,
        use_cache=True,
        eos_token_id=eos_token_id,
        pad_token_id=pad_token_id,
        bos_token_id=None,
    )


def describe(name: str) -> dict:
    return {"name": name, **asdict(CANDIDATES[name]), "num_heads": CANDIDATES[name].num_heads, "head_dim": HEAD_DIM}
