#!/usr/bin/env bash
# Copy the carried vLLM pieces to a folder outside the work tree (it survives while the machine is warm).
set -euo pipefail
mkdir -p /root/stage
cp -v .stage/SHA256 .stage/SIZES /root/stage/
for piece in .stage/piece.* .stage/ckpt.*; do if [ -f "$piece" ]; then cp -v "$piece" /root/stage/; fi; done
ls -la /root/stage
