#!/usr/bin/env bash
# Here, around the data-staging calls: a call carries the work tree plus its carried paths, at most
# 64 MiB, and a staging piece is up to 60 MiB, so the tree's large tracked files (the shipped model, the
# benchmark results, the pins, the screenshots) step aside into the ignored .stage/stash for those calls.
# The shipped model is linked back in its place (a link travels as a link), so the checkout keeps
# completing meanwhile; a linked folder would not help (the size check counts the files through it).
# usage: bash scripts/h100/stash_tree.sh out     (before the staging calls)
#        bash scripts/h100/stash_tree.sh back    (after them; also `git status` shows them deleted until then)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
LARGE=(inference/maze_inference/model/default/model.onnx docs/results docs/img workshop/maze_workshop/corpus/pins)
case "${1:?out or back}" in
  out)
    for path in "${LARGE[@]}"; do
      mkdir -p ".stage/stash/$(dirname "$path")"
      mv "$path" ".stage/stash/$path"
    done
    ln -s "$PWD/.stage/stash/${LARGE[0]}" "${LARGE[0]}"
    git ls-files -z --cached --others --exclude-standard | python3 -c '
import os, sys
paths = [p for p in sys.stdin.read().split("\0") if p]
real = [p for p in paths if os.path.isfile(p) and os.path.realpath(p) == os.path.abspath(p)]
print("stashed; what a call carries now:", sum(os.path.getsize(p) for p in real), "bytes")' ;;
  back)
    for path in "${LARGE[@]}"; do
      rm -rf "$path"
      mv ".stage/stash/$path" "$path"
    done
    git status --short -- "${LARGE[@]}" ;;
  *) echo "usage: $0 out|back" >&2; exit 2 ;;
esac
