match = 1
case = 2
type = 3
_ = 4
print(match, case, type, _)
match += case
type(match)
match(case)[0]
match.attr = case.other
case[match] = type
_ = [match for case in range(3)]
print = lambda *match, **case: None


def match(case, type=None, _=None):
    return case


class case:
    match = 1


for type in range(2):
    pass
