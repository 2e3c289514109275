"""Limitation heads trained with 194 CS own-limitation sentences written by hand (synthetic_limitations.txt,
each encoded alone, as the clinical sentences are) as extra positives, scored on the clinical held-out
articles and the 420 labelled real CS sentences. Arguments: CSAB_W,ARXIVNEG_W,SYN_W,SEED per run.

    python benchmarks/results/session5/synthetic_positives.py 0.3,1,1,0 0.3,1,3,0 0.3,0.3,1,0
"""
import sys, time
from pathlib import Path
import numpy as np, torch
HERE = Path(__file__).resolve().parent
EXP = HERE.parents[1] / "facet_experiments"
sys.path[:0] = [str(EXP), str(EXP / "cs_limitations")]
import train_variants as TV
from common import D, LIMITATIONS
import eval_cs_limitations as cs
from gapscope.embed import Encoder
from gapscope.facets import train as T
from gapscope.facets.data import read_csabstruct, read_limitations, LimitationSentence
from gapscope.facets.dataset import abstracts_arrays, sentences_arrays
from gapscope.facets.features import abstract_features, cached
from gapscope.facets.model import new_model
enc=Encoder(); layers=list(range(1,7)); tag="-L1_2_3_4_5_6"
abstracts=read_csabstruct(D+"csabstruct/train.jsonl"); lims=read_limitations(LIMITATIONS,"train"); held=read_limitations(LIMITATIONS,"heldout")
feats=abstracts_arrays(enc,abstracts,"csab",span_layers=layers); lf=sentences_arrays(enc,lims,"lim",span_layers=layers); hf=sentences_arrays(enc,held,"limheld",span_layers=layers)
gold=cs.load_gold(); exclude={g["arxiv_id"] for g in gold}; gx,gt=cs.features(enc,gold,layers)
neg=TV.arxiv_abstracts(30000,32000,exclude)
negf=cached(enc,"arxivneg2"+tag,[a[0] for a in neg],lambda: {"sent": np.concatenate(abstract_features(
    enc,[a[0] for a in neg],[a[1] for a in neg],span_layers=layers)[1]).astype(np.float32)})  # as train_variants.py
neg_t=[s for a in neg for s in a[2]]
syn=[l.strip() for l in open(HERE / 'synthetic_limitations.txt', encoding='utf-8') if l.strip()]
synrows=[LimitationSentence(f"syn:{i}","syn",t,True) for i,t in enumerate(syn)]
sf=sentences_arrays(enc,synrows,"synpos",span_layers=layers)
csab_t=[a.text[x:y] for a in abstracts for x,y in a.spans]
def run(csab_w,neg_w,syn_w,seed=0,lim_epochs=None):
    cfg=dict(T.DEFAULTS,span_layers=layers)
    if lim_epochs: cfg['lim_epochs']=lim_epochs
    parts=[(lf["sent"],[s.positive for s in lims],1.0,[s.text for s in lims]),(feats["sent"],[0]*len(csab_t),csab_w,csab_t)]
    if neg_w: parts.append((negf["sent"],[0]*len(neg_t),neg_w,neg_t))
    if syn_w: parts.append((sf["sent"],[1]*len(syn),syn_w,syn))
    x=np.concatenate([p[0] for p in parts]).astype(np.float32); y=np.concatenate([np.asarray(p[1],np.float32) for p in parts])
    w=np.concatenate([np.full(len(p[1]),p[2],np.float32) for p in parts]); texts=[t for p in parts for t in p[3]]
    config=dict(cfg,dim=int(feats["sent"].shape[1]),doc_dim=int(feats["doc"].shape[1]),encoder_model=enc.model_id,encoder_precision=enc.precision,seed=seed)
    torch.set_num_threads(1); torch.use_deterministic_algorithms(True); torch.manual_seed(seed)
    m=new_model(config); t0=time.time()
    T._train_limitations(m,x,y,w,texts,cfg,torch.Generator().manual_seed(seed),None,None)
    ph=cs.scores(m,hf["sent"].astype(np.float32),[s.text for s in held]); yh=np.array([s.positive for s in held])
    s=cs.scores(m,gx,gt)
    print(f"csab x{csab_w} arxivneg x{neg_w} synpos x{syn_w} seed {seed} ({time.time()-t0:.0f}s)")
    for thr in (0.5,0.7):
        p=ph>=thr; tp=int((p&yh).sum()); pr,rc=tp/max(p.sum(),1),tp/yh.sum()
        print(f"  clinical thr {thr}: P {pr:.3f} R {rc:.3f} F1 {2*pr*rc/max(pr+rc,1e-9):.3f} | CS "+cs.report(gold,s,thr))
    sys.stdout.flush(); return m
if __name__=="__main__":
    for a in sys.argv[1:]:
        c,n,p,sd=a.split(','); run(float(c),float(n),float(p),int(sd))
