"""Repository context: an index of the workspace's definitions and imports, and retrieval at the cursor.

`definitions`/`outline`/`imports` read one file's tree, `index` holds every file's symbols,
`scan`/`builder`/`worker` fill it in a background process, `modules`/`references`/`retrieval`/
`snippets`/`render` pick and show what the model should see from other files, and `repository` is the
value that travels with a completion request to the engine (or the service).
"""
