package hdr

type T struct{ ok bool }

func f(ts []T, m map[string]T) {
	if x := (T{ok: true}); x.ok {
	}
	if v, ok := m["k"]; ok && v == (T{}) {
	}
	for _, t := range []T{{true}, {false}} {
		_ = t
	}
	for i := range [3]int{} {
		_ = i
	}
	switch (T{}) {
	case T{ok: true}:
	}
	if f(T{}) {
	}
}
