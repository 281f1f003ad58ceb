"""One module per LSP method: `METHOD`, `OPTIONS` and a short async `handle(ls, params)`."""
