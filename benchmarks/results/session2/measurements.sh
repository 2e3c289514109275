#!/bin/bash
# LEADJOB: measurements after the full-library run, one at a time on a quiet machine
cd /work/main
export PYTHONPATH=/work/main/core HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 GAPSCOPE_SHARED_DATA=/work/shared/data
PY="/work/devenv/bin/python -W ignore::UserWarning:LEADJOB"
R=/work/biglib/full
uptime > $R/quiet.txt
$PY benchmarks/bench_library.py > $R/bench_library.txt 2>&1
$PY benchmarks/bench_embed.py --n 2000 > $R/bench_embed.txt 2>&1
$PY -m gapscope --library $R/cs.sqlite gaps backtest --before 2026-01-01 --json > $R/backtest.json 2> $R/backtest.err
$PY -m gapscope --library $R/cs.sqlite gaps backtest --before 2026-01-01 > $R/backtest.txt 2>&1
$PY benchmarks/bench_maps.py --library $R/cs.sqlite --out $R/maps_full.json > $R/maps_full.txt 2>&1
s=$(date +%s.%N); $PY -m gapscope --library $R/cs.sqlite map -q > $R/map_cmd.txt 2>&1; e=$(date +%s.%N); echo "gapscope map: $(echo "$e - $s" | bc) s" >> $R/map_cmd.txt
s=$(date +%s.%N); $PY -m gapscope --library $R/cs.sqlite gaps find > $R/gaps_find.txt 2>&1; e=$(date +%s.%N); echo "gapscope gaps find: $(echo "$e - $s" | bc) s" >> $R/gaps_find.txt
$PY -m gapscope --library $R/cs.sqlite gaps list --json > $R/gaps_list.json 2>&1
uptime >> $R/quiet.txt
echo done >> $R/quiet.txt
