plain = 'single'
double = "double"
empty = ''
empty2 = ""
escaped = 'it\'s a "test"\n\t\\'
unicode_escape = "\u00e9\N{BULLET}\x41\101"
raw = r'C:\path\to\file' + R"\d+\s*"
raw_quote = r'\''
byte_value = b'\x00\xff' + B"ascii only"
raw_bytes = rb'\d' + Br'\w' + bR"x" + RB'y'
unicode_prefix = u'text' + U"more"
triple_single = '''Line one
line 'two' with ''quotes''
line three'''
triple_double = """He said "hi" and ""bye"" and left.
\"\"\" escaped triple inside
"""
triple_bytes = b"""raw
bytes"""
concatenated = ("part one "
                'part two '
                """part three""")
implicit = "a" "b" 'c'
continued = "line one \
still the same string"
non_ascii = "naïve café — ünïcödé ✓"
emoji_free = 'tab\there'
docstring_like = """Ends with quote\""""
