a, b, c, d = 1, 2, 3, 4
arith = a + b - c * d / 2 // 3 % 5 @ matrix if False else 0
bitwise = a | b ^ c & d << 2 >> 1
unary = -a + +b - ~c
power = -a ** 2 ** -b
comparison = a < b <= c > d >= a == b != c
chained = 1 < a < 10
membership = a in [1, 2] and b not in (3, 4)
identity = a is None or b is not None
logic = not a and not not b or (c and d)
mixed = (a + b) * (c - d) / (a or 1)
ternary = "yes" if a > b else "no" if a == b else "maybe"
grouped = ((((a))))
star_expr = [*range(3), *[4, 5]]
call_chain = str(a).strip().split(",")[0].upper()
subscript_chain = {"k": [1, [2, 3]]}["k"][1][0]
augmented = 0
augmented += 1
augmented -= 1
augmented *= 2
augmented /= 2
augmented //= 1
augmented %= 7
augmented **= 2
augmented >>= 1
augmented <<= 1
augmented &= 0xFF
augmented |= 1
augmented ^= 3
x = y = z = 0
first, *rest = [1, 2, 3]
(p, q), r = (1, 2), 3
[s, t] = "st"
obj = type("O", (), {})()
obj.attr = obj.other = 5
seq = [0, 1, 2]
seq[0] = seq[1:2] = [9]
