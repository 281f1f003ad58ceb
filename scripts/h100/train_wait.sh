#!/usr/bin/env bash
# GPU call, while training: wait up to SECONDS for the trainer (started by train_start.sh) to finish,
# printing its progress; when it has finished, put the checkpoint parts, metrics and log into $OUT.
# usage: bash scripts/h100/train_wait.sh SECONDS
set -uo pipefail
limit="${1:?seconds}"; start=$SECONDS
pid="$(cat /root/run/pid)"
while kill -0 "$pid" 2>/dev/null && [ $((SECONDS - start)) -lt "$limit" ]; do sleep 15; done
grep -E "schedule|step [0-9]+/|quick val|trained|val |checkpoint" /root/run/out/train.log | tail -n 12
if kill -0 "$pid" 2>/dev/null; then echo "still training"; exit 0; fi
cp /root/run/out/ckpt.tar.part-* /root/run/out/metrics.json /root/run/out/train.log "${OUT:?}/" && ls -la "$OUT"
