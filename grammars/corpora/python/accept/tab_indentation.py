class Tabbed:
	"""Indented with tabs."""

	def method(self, n):
		if n:
			for i in range(n):
				yield i
		else:
			return

		# trailing comment


def helper(
        a,
	b):
	return [a,
		b]
