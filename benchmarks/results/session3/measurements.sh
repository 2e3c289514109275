#!/bin/bash
# session 3, after run.sh: quiet-machine measurements with the new facet head, one at a time
cd /work/wt/s3run
export PYTHONPATH=/work/wt/s3run/core HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 GAPSCOPE_SHARED_DATA=/work/shared/data
PY="/work/devenv/bin/python -W ignore::UserWarning"
R=/work/biglib/s3
L=$R/cs.sqlite
uptime > $R/quiet.txt
$PY benchmarks/bench_embed.py --n 2000 --facets > $R/bench_embed.txt 2>&1
s=$(date +%s.%N); $PY -m gapscope --library $L map -q > $R/map_cmd.txt 2>&1; e=$(date +%s.%N); echo "gapscope map: $(echo "$e - $s" | bc) s" >> $R/map_cmd.txt
s=$(date +%s.%N); $PY -m gapscope --library $L gaps find > $R/gaps_find.txt 2>&1; e=$(date +%s.%N); echo "gapscope gaps find: $(echo "$e - $s" | bc) s" >> $R/gaps_find.txt
$PY -m gapscope --library $L gaps backtest --before 2026-01-01 > $R/backtest.txt 2>&1
uptime >> $R/quiet.txt
echo done >> $R/quiet.txt
