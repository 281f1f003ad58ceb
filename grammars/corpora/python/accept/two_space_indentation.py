def walk(tree):
  stack = [tree]
  while stack:
    node = stack.pop()
    if node is None:
      continue
    try:
      children = node.children
    except AttributeError:
      children = []
    for child in children:
      stack.append(child)
  return None


class Node:
  def __init__(self, children=()):
    self.children = list(children)
