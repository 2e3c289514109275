import torch,time,math
import torch.nn.functional as F
torch.set_num_threads(1)
def bench(f,r=20):
    for _ in range(3): f()
    t=time.perf_counter()
    for _ in range(r): f()
    return (time.perf_counter()-t)/r
bf=torch.bfloat16
for g,n in [(8,256),(16,128),(4,512)]:
    h,d=12,32
    q,k,v=(torch.randn(g,h,n,d,dtype=bf) for _ in range(3))
    fl=4*g*h*n*n*d
    ref=F.scaled_dot_product_attention(q.float(),k.float(),v.float())
    def sdpa(): return F.scaled_dot_product_attention(q,k,v)
    def manual():
        s=torch.matmul(q, k.transpose(-1,-2)) * (1/math.sqrt(d))
        p=torch.softmax(s, -1)
        return torch.matmul(p, v)
    def manual32():
        s=torch.matmul(q, k.transpose(-1,-2)).float().mul_(1/math.sqrt(d))
        p=torch.softmax(s, -1).to(bf)
        return torch.matmul(p, v)
    def manual_bmm():
        qs=(q*(1/math.sqrt(d))).reshape(g*h,n,d); ks=k.reshape(g*h,n,d).transpose(1,2); vs=v.reshape(g*h,n,d)
        s=torch.bmm(qs,ks)
        p=torch.softmax(s,-1)
        return torch.bmm(p,vs).view(g,h,n,d)
    for name,f in [("sdpa",sdpa),("manual",manual),("manual32",manual32),("bmm",manual_bmm)]:
        t=bench(f); e=(f().float()-ref).norm()/ref.norm()
        print(g,n,name,f"{t*1e3:.2f} ms {fl/t/1e9:.0f} GFLOP/s err {e:.4f}")
