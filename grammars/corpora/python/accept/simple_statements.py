import sys
x = 1; y = 2; z = x + y;
if x: print(x)
if y: x = 1; y = 2
while False: pass
for i in range(0): continue
class Short: pass
def short(): return 1
try: import missing_module
except ImportError: missing_module = None
else: pass
finally: pass
with open(sys.argv[0]) as f: data = f.read()


def scoped():
    global counter
    counter = 0

    def inner():
        nonlocal counter
        counter += 1
    del counter
    return inner


values = [1, 2, 3]
del values[0], values[-1:]
del (values)
assert len(values) == 1, f"unexpected {values}"
raise SystemExit(0) if False else None
pass
...
