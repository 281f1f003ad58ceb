# Leading comment
total = 1 + \
    2 + \
    3

result = some_function_with_a_long_name if False else (
    1,   # first
    2,   # second
    # a comment line inside brackets
    3,
)

call = dict(
    a=1,

    b=2,
)
indexing = [
    [1, 2],
    [3, 4],
][0][
    1
]
condition = (True and
             False or
             True)
if (total > 1 and
        call):
    pass   # trailing comment
    # comment at block indentation

    # comment after a blank line
    pass
        # over-indented comment line is fine
else:
    pass
assert total, \
    "message"
with open(__file__) as fh, \
        open(__file__) as fh2:
    pass
x = [1,
2,
    3]
