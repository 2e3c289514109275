import torch, time
import torch.nn.functional as F
"""int8 linear maps (torch._int_mm, per-token activation and per-channel weight scales) against the
oneDNN-fused bf16 ones of gapscope.embed.packed, one thread, 2048 tokens: time and relative error."""
import sys
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "core"))
from gapscope.embed.packed import _Linear
torch.set_num_threads(1)
bf=torch.bfloat16
class Int8Linear:
    def __init__(self, weight, bias, wt=False):
        w = weight.float()
        self.ws = (w.abs().amax(1)/127).clamp_min(1e-12)
        q = (w/self.ws[:,None]).round().clamp(-127,127).to(torch.int8)
        self.wq = q.t().contiguous() if not wt else q.t()
        self.bias = bias.float()
    def __call__(self, x, act="none", residual=None):
        xf = x.float()
        s = xf.abs().amax(1, keepdim=True).clamp_min(1e-8).div_(127)
        xq = torch.round(xf / s).to(torch.int8)
        y = torch._int_mm(xq, self.wq).float()
        y = torch.addcmul(self.bias, y, s * self.ws)
        if act == "gelu": y = F.gelu(y)
        if residual is not None: y = y + residual
        return y.to(bf)
def bench(f,r=10):
    for _ in range(3): f()
    t=time.perf_counter()
    for _ in range(r): f()
    return (time.perf_counter()-t)/r
T=2048
for K,N,act,res in [(384,1152,"none",False),(384,384,"none",True),(384,1536,"gelu",False),(1536,384,"none",True)]:
    w=torch.randn(N,K)*0.05; b=torch.randn(N)*0.01
    x=torch.randn(T,K).to(bf); r=torch.randn(T,N).to(bf) if res else None
    L=_Linear(w.to(bf),b.to(bf),True,T); Q=Int8Linear(w,b); Q2=Int8Linear(w,b,wt=True)
    t1=bench(lambda: L(x,act=act,residual=r)); t2=bench(lambda: Q(x,act=act,residual=r)); t3=bench(lambda: Q2(x,act=act,residual=r))
    ref=F.linear(x.float(),w,b); ref=F.gelu(ref) if act=="gelu" else ref
    if res: ref=ref+r.float()
    e=(Q(x,act=act,residual=r).float()-ref).norm()/ref.norm(); e2=(L(x,act=act,residual=r).float()-ref).norm()/ref.norm()
    print(K,N,act,res, f"bf16 {t1*1e3:.2f}ms int8 {t2*1e3:.2f}ms int8(wT) {t3*1e3:.2f}ms  relerr int8 {e:.4f} bf16 {e2:.4f}")
