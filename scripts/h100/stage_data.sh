#!/usr/bin/env bash
# GPU call, data staging: check the carried pieces of the training pack and add them to /root/data,
# which survives between calls while the machine stays warm (30 s after each call).
# usage: bash scripts/h100/stage_data.sh            (carries: .stage/piece-NN/ folders, each with SHA256SUMS)
set -euo pipefail
mkdir -p /root/data
for piece in .stage/piece-*/; do
  [ -d "$piece" ] || continue
  (cd "$piece" && sha256sum --quiet -c SHA256SUMS)
  for f in "$piece"*; do
    case "$(basename "$f")" in SHA256SUMS) ;; *) cp -f "$f" /root/data/ ;; esac
  done
  echo "staged $piece: $(du -sh "$piece" | cut -f1)"
done
echo "/root/data: $(ls /root/data | wc -l) files, $(du -sh /root/data | cut -f1)"
