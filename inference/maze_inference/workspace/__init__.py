"""Repository context: an index of the workspace's definitions and imports, and retrieval at the cursor.

`definitions`/`imports` read one file's tree, `index` holds every file's symbols, `scan`/`builder`
fill it in the background, `retrieval` picks what the model should see from other files, and
`repository` is the value that travels with a completion request to the engine (or the service).
"""
