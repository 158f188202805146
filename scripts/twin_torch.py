"""PyTorch twin of maptokens' channel-full and spatial-full models (lib/models/), an
independent implementation to check that the tfjs model is the architecture it claims.

    twin_torch.py logits WEIGHTS.json  < input.json  > logits.json

WEIGHTS.json: {"model": "channel-full" | "spatial-full", "config": {...the ModelConfig...},
"weights": {tfjs weight name: {"shape": [...], "data": [...]}}}; stdin: {"shape": [B, H, W, C],
"data": [...]} in tfjs's NHWC layout; stdout: {"shape": [B, classes], "data": [...]}.

Written from the papers and the workspace's conventions, not translated from the tfjs
code: the stem is "same"-padded 3×3 convolutions (TensorFlow pads the extra row and
column of a stride-2 'same' convolution at the bottom and right), channel tokens are the
C maps flattened row-major, spatial tokens the C-vector at each position, pre-LN blocks
with multi-head attention and an exact-GELU MLP, a final LayerNorm, mean over tokens, a
linear head. Dropout is off (evaluation).
"""
import json
import math
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F


def same_pad(x, k, s):
    """TensorFlow's 'same' padding for a k×k, stride-s convolution (NCHW)."""
    h, w = x.shape[-2:]
    ph = max((math.ceil(h / s) - 1) * s + k - h, 0)
    pw = max((math.ceil(w / s) - 1) * s + k - w, 0)
    return F.pad(x, (pw // 2, pw - pw // 2, ph // 2, ph - ph // 2))


class Block(nn.Module):
    """Pre-LN block: x + Attn(LN(x)), x + MLP(LN(x)). bench_torch.py uses it with a ReLU MLP."""

    def __init__(self, d, heads, hidden, eps=1e-5, act=F.gelu):
        super().__init__()
        self.act = act
        self.ln1 = nn.LayerNorm(d, eps=eps)
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)
        self.ln2 = nn.LayerNorm(d, eps=eps)
        self.fc1 = nn.Linear(d, hidden)
        self.fc2 = nn.Linear(hidden, d)
        self.heads = heads

    def forward(self, x):
        b, t, d = x.shape
        h = self.heads
        q, k, v = self.qkv(self.ln1(x)).reshape(b, t, 3, h, d // h).permute(2, 0, 3, 1, 4)  # [3, B, h, T, dh]
        a = torch.softmax(q @ k.transpose(-2, -1) / math.sqrt(d // h), dim=-1) @ v  # [B, h, T, dh]
        x = x + self.proj(a.transpose(1, 2).reshape(b, t, d))
        return x + self.fc2(self.act(self.fc1(self.ln2(x))))


class MapTokens(nn.Module):
    def __init__(self, kind, cfg):
        super().__init__()
        assert kind in ("channel-full", "spatial-full"), kind
        assert cfg["block"] == "vit" and cfg["pooling"] == "mean" and not cfg["se"]
        self.kind = kind
        self.stem = cfg["stem"]
        self.convs = nn.ModuleList()
        cin = cfg["inputShape"][2]
        for layer in self.stem:
            assert layer["activation"] == "relu" and not layer["batchNorm"] and layer["padding"] == "same"
            self.convs.append(nn.Conv2d(cin, layer["filters"], layer["kernel"], layer["stride"]))
            cin = layer["filters"]
        h, w = cfg["inputShape"][:2]
        for layer in self.stem:
            h, w = math.ceil(h / layer["stride"]), math.ceil(w / layer["stride"])
        d = cfg["dModel"]
        t, dtok = (cin, h * w) if kind == "channel-full" else (h * w, cin)
        self.proj = nn.Linear(dtok, d)
        embed = cfg["channelEmbedding"] if kind == "channel-full" else cfg["positionEmbedding"] == "learned"
        assert kind == "channel-full" or cfg["positionEmbedding"] in ("learned", "none")
        self.embedding = nn.Parameter(torch.zeros(t, d)) if embed else None
        eps = 1e-6
        self.blocks = nn.ModuleList([Block(d, cfg["heads"], int(cfg["mlpRatio"] * d), eps) for _ in range(cfg["depth"])])
        self.norm = nn.LayerNorm(d, eps=eps)
        self.head = nn.Linear(d, cfg["numClasses"])

    def forward(self, x):  # x: [B, C, H, W]
        for conv, layer in zip(self.convs, self.stem):
            x = F.relu(conv(same_pad(x, layer["kernel"], layer["stride"])))
        b, c, h, w = x.shape
        tokens = x.reshape(b, c, h * w)  # channel tokens: map c flattened row-major
        if self.kind == "spatial-full":
            tokens = tokens.transpose(1, 2)  # spatial tokens: the C-vector at each position
        z = self.proj(tokens)
        if self.embedding is not None:
            z = z + self.embedding
        for blk in self.blocks:
            z = blk(z)
        return self.head(self.norm(z).mean(1))


def load(model, weights):
    """Copies tfjs weights (Dense [in, out], Conv2D [kh, kw, in, out]) into the twin."""
    def t(name):
        w = weights[name]
        return torch.tensor(w["data"], dtype=torch.float32).reshape(w["shape"])

    used = set()

    def take(name):
        used.add(name)
        return t(name)

    with torch.no_grad():
        for i, conv in enumerate(model.convs):
            conv.weight.copy_(take(f"stem_conv{i}/kernel").permute(3, 2, 0, 1))
            conv.bias.copy_(take(f"stem_conv{i}/bias"))
        stream = "channel" if model.kind == "channel-full" else "spatial"
        model.proj.weight.copy_(take(f"proj_{stream}/kernel").T)  # [in, out] -> [out, in]
        model.proj.bias.copy_(take(f"proj_{stream}/bias"))
        if model.embedding is not None:
            model.embedding.copy_(take("channel_embedding/table" if stream == "channel" else "pos_embedding_spatial/table"))
        def linear(mod, name, kernel="kernel", bias="bias"):
            mod.weight.copy_(take(f"{name}/{kernel}").T)  # tfjs Dense: [in, out]; torch Linear: [out, in]
            mod.bias.copy_(take(f"{name}/{bias}"))

        def norm(mod, name):
            mod.weight.copy_(take(f"{name}/gamma"))
            mod.bias.copy_(take(f"{name}/beta"))

        for i, blk in enumerate(model.blocks):
            p = f"block{i}"
            norm(blk.ln1, f"{p}_ln1")
            linear(blk.qkv, f"{p}_attn", "qkv_kernel", "qkv_bias")
            linear(blk.proj, f"{p}_attn", "proj_kernel", "proj_bias")
            norm(blk.ln2, f"{p}_ln2")
            linear(blk.fc1, f"{p}_fc1")
            linear(blk.fc2, f"{p}_fc2")
        norm(model.norm, "encoder_norm")
        linear(model.head, "logits")
    unused = sorted(set(weights) - used)
    if unused:
        raise SystemExit(f"twin_torch.py: tfjs weights the twin does not have: {unused}")


def main():
    if len(sys.argv) != 3 or sys.argv[1] != "logits":
        raise SystemExit(__doc__)
    spec = json.load(open(sys.argv[2]))
    model = MapTokens(spec["model"], spec["config"]).eval()
    load(model, spec["weights"])
    inp = json.load(sys.stdin)
    x = torch.tensor(inp["data"], dtype=torch.float32).reshape(inp["shape"]).permute(0, 3, 1, 2)  # NHWC -> NCHW
    with torch.no_grad():
        y = model(x)
    json.dump({"shape": list(y.shape), "data": y.reshape(-1).tolist()}, sys.stdout)


if __name__ == "__main__":
    main()
