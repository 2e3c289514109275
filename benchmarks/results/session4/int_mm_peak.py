"""int8 x int8 -> int32 torch._int_mm and fbgemm dynamic int8 linear, one thread, layer-shaped: GOP/s."""
import torch,time
torch.set_num_threads(1)
def bench(f,r=10):
    for _ in range(3): f()
    t=time.perf_counter()
    for _ in range(r): f()
    return (time.perf_counter()-t)/r
for M,K,N in [(2048,384,1152),(2048,384,1536),(2048,1536,384)]:
    fl=2*M*K*N
    a=torch.randint(-127,127,(M,K),dtype=torch.int8); b=torch.randint(-127,127,(K,N),dtype=torch.int8)
    try:
        dt=bench(lambda: torch._int_mm(a,b)); print(M,K,N,"_int_mm", f"{fl/dt/1e9:.0f}")
    except Exception as e: print("int_mm fail",e)
    x=torch.randn(M,K); w=torch.randn(N,K)
    try:
        wq=torch.quantize_per_channel(w, w.abs().amax(1)/127, torch.zeros(N,dtype=torch.long),0,torch.qint8)
        pw=torch.ops.quantized.linear_prepack(wq, None)
        dt=bench(lambda: torch.ops.quantized.linear_dynamic(x,pw,False)); print("  fbgemm dyn", f"{fl/dt/1e9:.0f}", torch.backends.quantized.engine)
    except Exception as e: print("fbgemm fail",e)
