"""A BiGRU role head over frozen features from extract.py (see --help); prints dev macro-F1."""
from common import D, OUT, ROLES, f1s
import json, time, numpy as np, torch, argparse
from torch import nn
from gapscope.facets.data import read_csabstruct
from gapscope.facets.model import position_features, lexical_batch
p = argparse.ArgumentParser()
p.add_argument('--layers', default='6')          # span-mean layers
p.add_argument('--tok', type=int, default=0)     # token layer for attention pooling (0 = none)
p.add_argument('--hidden', type=int, default=128)
p.add_argument('--epochs', type=int, default=20)
p.add_argument('--lr', type=float, default=2e-3)
p.add_argument('--drop', type=float, default=0.3)
p.add_argument('--lex', type=int, default=0)
p.add_argument('--doc', type=int, default=0)
p.add_argument('--conv', type=int, default=0)
p.add_argument('--seed', type=int, default=0)
p.add_argument('--cw', type=float, default=0.0)
p.add_argument('--ctx', default='gru')
p.add_argument('--confw', type=float, default=0.0)
p.add_argument('--ens', type=int, default=1)
p.add_argument('--viterbi', type=float, default=0.0)   # weight of train label transitions in Viterbi decoding
a = p.parse_args()
torch.manual_seed(a.seed); torch.set_num_threads(1)
layers = [int(x) for x in a.layers.split(',')] if a.layers else []
def load(name):
    ab = read_csabstruct(D + f'csabstruct/{name}.jsonl')
    confs = [json.loads(l)['confs'] for l in open(D + f'csabstruct/{name}.jsonl') if l.strip()]
    z = np.load(OUT + f'csab_{name}.npz')
    span = z['span']; tokoff = z['tokoff']; doc = z['doc']
    tok = torch.from_numpy(z[f'tok{a.tok}'].astype(np.float32)) if a.tok else None
    out, k = [], 0
    for i, x in enumerate(ab):
        n = len(x.spans)
        feats = [span[k:k+n, l] for l in layers]
        if a.doc: feats.append(np.repeat(doc[i, 6][None], n, 0))
        feats.append(position_features(n))
        f = torch.from_numpy(np.concatenate(feats, 1).astype(np.float32))
        toks = [tok[tokoff[j]:tokoff[j+1]] for j in range(k, k+n)] if a.tok else None
        y = torch.tensor([ROLES.index(l) for l in x.labels])
        texts = [x.text[s:e] for s, e in x.spans]
        out.append((f, toks, y, texts, torch.tensor(confs[i], dtype=torch.float32))); k += n
    return out
tr, dv = load('train'), load('dev')
fdim = tr[0][0].shape[1]
class M(nn.Module):
    def __init__(s):
        super().__init__()
        h = a.hidden
        s.drop = nn.Dropout(a.drop)
        s.proj = nn.Linear(fdim, h)
        if a.tok:
            s.tproj = nn.Linear(384, h)
            s.conv = nn.Conv1d(h, h, 3, padding=1) if a.conv else None
            s.q = nn.Linear(h, 1)
        s.lex = nn.EmbeddingBag(1 << 14, 32, mode='mean') if a.lex else None
        din = h * (3 if a.tok else 1) + (32 if a.lex else 0)
        s.mix = nn.Linear(din, h)
        if a.ctx == 'gru':
            s.gru = nn.GRU(h, h, batch_first=True, bidirectional=True); cd = 3 * h
        else:
            s.gru = None; cd = h
        s.out = nn.Linear(cd, 5)
    def forward(s, batch):
        feats = nn.utils.rnn.pad_sequence([b[0] for b in batch], batch_first=True)
        lengths = torch.tensor([len(b[0]) for b in batch])
        parts = [torch.relu(s.proj(s.drop(feats)))]
        mask = torch.arange(feats.shape[1])[None] < lengths[:, None]
        if a.tok:
            toks = [t for b in batch for t in b[1]]
            T = nn.utils.rnn.pad_sequence(toks, batch_first=True)
            tl = torch.tensor([len(t) for t in toks])
            tm = torch.arange(T.shape[1])[None] < tl[:, None]
            H = torch.relu(s.tproj(s.drop(T)))
            if s.conv is not None: H = H + torch.relu(s.conv(H.transpose(1, 2)).transpose(1, 2))
            w = s.q(H).squeeze(-1).masked_fill(~tm, -1e9).softmax(-1)
            att = (w[..., None] * H).sum(1)
            mx = H.masked_fill(~tm[..., None], -1e9).max(1).values
            sv = torch.cat([att, mx], -1)
            full = feats.new_zeros(feats.shape[0], feats.shape[1], sv.shape[1]); full[mask] = sv
            parts.append(full)
        if a.lex:
            ids, offs = lexical_batch([t for b in batch for t in b[3]], 1 << 14)
            bag = s.lex(ids, offs)
            full = feats.new_zeros(feats.shape[0], feats.shape[1], 32); full[mask] = bag
            parts.append(full)
        h = torch.relu(s.mix(s.drop(torch.cat(parts, -1))))
        if s.gru is not None:
            pk = nn.utils.rnn.pack_padded_sequence(h, lengths, batch_first=True, enforce_sorted=False)
            c, _ = s.gru(pk); c, _ = nn.utils.rnn.pad_packed_sequence(c, batch_first=True, total_length=h.shape[1])
            h = torch.cat([h, c], -1)
        return s.out(s.drop(h)), mask
def run(seed):
    torch.manual_seed(seed)
    m = M()
    opt = torch.optim.AdamW(m.parameters(), lr=a.lr, weight_decay=1e-2)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, a.epochs)
    ys = torch.cat([b[2] for b in tr]); cnt = torch.bincount(ys, minlength=5).float()
    wt = (cnt.sum() / cnt) ** a.cw; wt = wt / wt.mean()
    lossf = nn.CrossEntropyLoss(weight=wt, reduction='none')
    for ep in range(a.epochs):
        m.train(); perm = torch.randperm(len(tr)).tolist()
        for s in range(0, len(perm), 16):
            batch = [tr[i] for i in perm[s:s+16]]
            logits, mask = m(batch)
            y = nn.utils.rnn.pad_sequence([b[2] for b in batch], batch_first=True)
            c = nn.utils.rnn.pad_sequence([b[4] for b in batch], batch_first=True)
            w = (1 - a.confw) + a.confw * c[mask]
            loss = (lossf(logits[mask], y[mask]) * w).sum() / (wt[y[mask]] * w).sum()
            opt.zero_grad(); loss.backward(); opt.step()
        sched.step()
    m.eval()
    with torch.no_grad():
        probs = []
        for s in range(0, len(dv), 64):
            batch = dv[s:s+64]; logits, mask = m(batch); probs.append(logits[mask].softmax(-1))
    return torch.cat(probs)
t0 = time.time(); gold = torch.cat([b[2] for b in dv]).numpy(); acc = 0; singles = []
for k in range(a.ens):
    pr = run(a.seed + k); acc = acc + pr
    singles.append(f1s(gold, pr.argmax(-1).numpy())[0])
pred = acc.argmax(-1).numpy()
if a.viterbi:
    # label-transition decoding: log P(label | previous label) from the training abstracts (add-one), weighted
    trans = np.ones((6, 5))                      # row 5: the start of an abstract
    for b in tr:
        y = b[2].tolist()
        for prev, cur in zip([5] + y[:-1], y):
            trans[prev, cur] += 1
    trans = np.log(trans / trans.sum(1, keepdims=True)) * a.viterbi
    emis = np.log((acc / a.ens).numpy() + 1e-9)
    pred, k = [], 0
    for b in dv:
        n = len(b[2]); e = emis[k:k + n]; k += n
        score = trans[5] + e[0]; back = []
        for t in range(1, n):
            cand = score[:, None] + trans[:5] + e[t][None, :]
            back.append(cand.argmax(0)); score = cand.max(0)
        path = [int(score.argmax())]
        for bp in reversed(back):
            path.append(int(bp[path[-1]]))
        pred += path[::-1]
    pred = np.array(pred)
mf, per = f1s(gold, pred)
print(json.dumps(vars(a)), 'ens %.4f singles %s acc %.4f' % (mf, [round(x, 4) for x in singles], (gold == pred).mean()),
      {k: round(v, 3) for k, v in per.items()}, '%.0fs' % (time.time() - t0), flush=True)
