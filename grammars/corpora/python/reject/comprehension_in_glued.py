total = sum(n for n inside)
