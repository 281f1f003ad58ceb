const usage =
    \\Usage: tool [options]
    \\
    \\Options:
