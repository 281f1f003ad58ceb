#!/usr/bin/env bash
# Copy the carried vLLM pieces to a folder outside the work tree (it survives while the machine is warm).
set -euo pipefail
mkdir -p /root/stage
cp -v .stage/SHA256 .stage/SIZES /root/stage/
for piece in .stage/piece.*; do [ -f "$piece" ] && cp -v "$piece" /root/stage/; done
ls -la /root/stage
