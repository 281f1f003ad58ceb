name = "world"
width = 10
precision = 3
value = 3.14159
items = {"a": 1}

greeting = f"Hello, {name}!"
spec = f"{value:{width}.{precision}f}"
conversion = f"{name!r} {name!s} {name!a}"
debug = f"{value=} {name = }"
nested_quotes = f'{items["a"]} and {items.get("b", 0)}'
escaped_braces = f"{{literal}} {{ {name} }}"
expression = f"{1 + 2 * 3} {[x for x in range(3)]} {'yes' if value else 'no'}"
dict_in_field = f"{ {'k': 1}['k'] }"
format_spec = f"{value:>10.2f}|{name:^{width}}|{42:#x}|{1234567:,}"
raw_f = rf"\d+{name}\s" + fR"{width}\n" + Rf'{value}'
triple_f = f"""
Name: {name}
Width: {width:>5}
"""
triple_f_single = f'''{name!r:>{width}} and 'quotes' {items['a']}'''
named_escape = f"\N{BULLET} {name}"
mixed = "plain " f"{name} " 'again'
datetime_spec = f"{__import__('datetime').date(2020, 1, 2):%Y-%m-%d}"
brace_in_inner_string = f'{"{"} and {"}"}'
triple_inner = f"{'''it's'''}"
empty_inner = f"{''.join(['a', 'b'])}"
