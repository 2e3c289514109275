import torch,time
def bench(f,r=10):
    for _ in range(3): f()
    t=time.perf_counter()
    for _ in range(r): f()
    return (time.perf_counter()-t)/r
for th in (1,2):
    torch.set_num_threads(th)
    for dt in (torch.float32, torch.bfloat16):
        for M,K,N in [(4096,4096,4096),(4096,384,1536)]:
            a=torch.randn(M,K,dtype=dt); b=torch.randn(K,N,dtype=dt)
            t=bench(lambda:a@b, 5)
            print(th, dt, (M,K,N), f"{2*M*K*N/t/1e9:.0f} GFLOP/s")
