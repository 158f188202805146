"""PyTorch twin of maptokens' channel-full and spatial-full models (lib/models/), an
independent implementation to check that the tfjs model is the architecture it claims.

    twin_torch.py logits WEIGHTS.json  < input.json  > logits.json

WEIGHTS.json: {"model": "channel-full" | "spatial-full", "config": {...the ModelConfig...},
"weights": {tfjs weight name: {"shape": [...], "data": [...]}}}; stdin: {"shape": [B, H, W, C],
"data": [...]} in tfjs's NHWC layout; stdout: {"shape": [B, classes], "data": [...]}.

    twin_torch.py serve WEIGHTS.json DATA_DIR  (JSON commands on stdin, one reply line each)

Training, driven by lib/bench/twin.ts, which keeps the schedule, the data order and the
early-stopping rule (one source for each): it sends each epoch's image order and per-step
learning rates; this side runs forward, cross-entropy, backward, global-norm clipping and
torch.optim.AdamW, with dropout where the tfjs blocks have it. DATA_DIR holds
{train,val,test}_{x.f32,y.i32} (NHWC float32 images, int32 labels) and norm.json.

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
import time

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

    def __init__(self, d, heads, hidden, eps=1e-5, act=F.gelu, dropout=0.0):
        super().__init__()
        self.act = act
        self.drop = nn.Dropout(dropout)  # where tfjs has it: after attention, inside and after the MLP
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
        x = x + self.drop(self.proj(a.transpose(1, 2).reshape(b, t, d)))  # [B, h, T, dh] -> [B, T, d]
        return x + self.drop(self.fc2(self.drop(self.act(self.fc1(self.ln2(x))))))


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
        self.blocks = nn.ModuleList([Block(d, cfg["heads"], int(cfg["mlpRatio"] * d), eps, dropout=cfg["dropout"]) for _ in range(cfg["depth"])])
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


def bindings(model):
    """(tfjs weight name, twin parameter, tfjs -> torch layout) for every weight the twin has."""
    same = lambda w: w
    dense = lambda w: w.T  # tfjs Dense: [in, out]; torch Linear: [out, in]
    out = []
    for i, conv in enumerate(model.convs):
        out += [(f"stem_conv{i}/kernel", conv.weight, lambda w: w.permute(3, 2, 0, 1)), (f"stem_conv{i}/bias", conv.bias, same)]  # [kh, kw, in, out] -> [out, in, kh, kw]
    stream = "channel" if model.kind == "channel-full" else "spatial"
    out += [(f"proj_{stream}/kernel", model.proj.weight, dense), (f"proj_{stream}/bias", model.proj.bias, same)]
    if model.embedding is not None:
        out.append(("channel_embedding/table" if stream == "channel" else "pos_embedding_spatial/table", model.embedding, same))

    def linear(mod, name, kernel="kernel", bias="bias"):
        return [(f"{name}/{kernel}", mod.weight, dense), (f"{name}/{bias}", mod.bias, same)]

    def norm(mod, name):
        return [(f"{name}/gamma", mod.weight, same), (f"{name}/beta", mod.bias, same)]

    for i, blk in enumerate(model.blocks):
        p = f"block{i}"
        out += norm(blk.ln1, f"{p}_ln1") + linear(blk.qkv, f"{p}_attn", "qkv_kernel", "qkv_bias") + linear(blk.proj, f"{p}_attn", "proj_kernel", "proj_bias")
        out += norm(blk.ln2, f"{p}_ln2") + linear(blk.fc1, f"{p}_fc1") + linear(blk.fc2, f"{p}_fc2")
    return out + norm(model.norm, "encoder_norm") + linear(model.head, "logits")


def load(model, weights):
    """Copies tfjs weights into the twin; a tfjs weight the twin lacks is an error."""
    b = bindings(model)
    with torch.no_grad():
        for name, param, to_torch in b:
            w = weights[name]
            param.copy_(to_torch(torch.tensor(w["data"], dtype=torch.float32).reshape(w["shape"])))
    unused = sorted(set(weights) - {name for name, _, _ in b})
    if unused:
        raise SystemExit(f"twin_torch.py: tfjs weights the twin does not have: {unused}")


def read_split(data_dir, split, shape, norm):
    def raw(suffix, dtype):
        with open(f"{data_dir}/{split}_{suffix}", "rb") as f:
            return torch.frombuffer(bytearray(f.read()), dtype=dtype)

    h, w, c = shape
    x = raw("x.f32", torch.float32).reshape(-1, h, w, c)  # [N, H*W*C] bytes -> [N, H, W, C]
    x = ((x - torch.tensor(norm["mean"])) / torch.tensor(norm["std"])).permute(0, 3, 1, 2).contiguous()  # NHWC -> NCHW
    return x, raw("y.i32", torch.int32).long()


def serve(spec_file, data_dir):
    """Trains on command: epoch (order, lrs), eval (split), snapshot, restore. One JSON reply per line."""
    spec = json.load(open(spec_file))
    cfg, train = spec["config"], spec["train"]
    torch.manual_seed(spec["seed"])  # dropout only: the initial weights are tfjs's
    torch.set_num_threads(spec.get("threads", 1))
    model = MapTokens(spec["model"], cfg)
    load(model, spec["weights"])
    b = bindings(model)
    decay = set(spec["decay"])
    groups = [
        {"params": [p for n, p, _ in b if n in decay], "weight_decay": train["weightDecay"]},
        {"params": [p for n, p, _ in b if n not in decay], "weight_decay": 0.0},
    ]
    opt = torch.optim.AdamW(groups, lr=train["lr"], betas=(0.9, 0.999), eps=1e-8)
    norm = json.load(open(f"{data_dir}/norm.json"))
    data = {s: read_split(data_dir, s, cfg["inputShape"], norm) for s in ("train", "val", "test")}
    best = None
    for line in sys.stdin:
        cmd = json.loads(line)
        t0 = time.perf_counter()
        if cmd["cmd"] == "epoch":
            x, y = data["train"]
            model.train()
            order = torch.tensor(cmd["order"], dtype=torch.long)
            bs, loss_sum, correct, seen = train["batchSize"], 0.0, 0, 0
            for i, lr in enumerate(cmd["lrs"]):
                idx = order[i * bs : (i + 1) * bs]
                logits = model(x[idx])
                loss = F.cross_entropy(logits, y[idx])
                opt.zero_grad(set_to_none=True)
                loss.backward()
                if train["gradClip"] > 0:  # the same rule as lib/train/step.ts: scale by clip/norm when norm > clip
                    total = torch.sqrt(sum((p.grad**2).sum() for g in groups for p in g["params"]))
                    if total > train["gradClip"]:
                        for g in groups:
                            for p in g["params"]:
                                p.grad.mul_(train["gradClip"] / total)
                for g in opt.param_groups:
                    g["lr"] = lr
                opt.step()
                loss_sum += loss.item() * len(idx)
                correct += (logits.argmax(1) == y[idx]).sum().item()
                seen += len(idx)
            reply = {"train_loss": loss_sum / seen, "train_acc": correct / seen, "seen": seen}
        elif cmd["cmd"] == "eval":
            x, y = data[cmd["split"]]
            model.eval()
            loss_sum, correct = 0.0, 0
            with torch.no_grad():
                for i in range(0, len(y), 512):
                    logits = model(x[i : i + 512])
                    loss_sum += F.cross_entropy(logits, y[i : i + 512], reduction="sum").item()
                    correct += (logits.argmax(1) == y[i : i + 512]).sum().item()
            reply = {"acc": correct / len(y), "loss": loss_sum / len(y)}
        elif cmd["cmd"] == "snapshot":
            best = {k: v.detach().clone() for k, v in model.state_dict().items()}
            reply = {}
        elif cmd["cmd"] == "restore":
            if best is not None:
                model.load_state_dict(best)
            reply = {}
        else:
            raise SystemExit(f"twin_torch.py: unknown command {cmd['cmd']!r}")
        reply["seconds"] = time.perf_counter() - t0
        print(json.dumps(reply), flush=True)


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "serve":
        return serve(sys.argv[2], sys.argv[3])
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
