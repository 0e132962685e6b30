"""A tiny automatic differentiation engine on single numbers: the idea inside `jax.grad`, small enough to read.

A `Value` is one number in a computation. It keeps
- `data`: the number itself (computed in the forward pass),
- `parents`: the Values it was computed from, and `local_grads`: the derivative of `data` with respect to each
  parent, worked out at the same time (for `a * b`: b's number for a, a's number for b),
- `grad`: the derivative of the final result with respect to this Value, filled in by `backward()`.

`root.backward()` puts every Value of the graph in a *topological order* (each one after all the Values it was
computed from), sets root.grad = 1 and walks that order backwards. When a Value is reached, every Value that used
it has already been visited, so its `grad` is complete; it then sends `grad × local derivative` to each parent,
ADDING to what the parent has already received, because a Value used twice gets a contribution from each use.

>>> x, w, b = Value(2.0), Value(0.5), Value(-0.5)
>>> loss = ((w * x + b).tanh() - 1.0) ** 2
>>> loss.backward()
>>> round(loss.data, 4), round(w.grad, 4), round(b.grad, 4)
(0.2893, -1.6921, -0.846)
"""
import math
import numbers


class Value:
    """One number of a computation, with what `backward()` needs to find the gradient with respect to it."""

    def __init__(self, data, parents=(), local_grads=(), op=""):
        self.data = float(data)
        self.grad = 0.0
        self.parents = tuple(parents)
        self.local_grads = tuple(local_grads)
        self.op = op                      # for printing only: "+", "*", "tanh", ...

    def __repr__(self):
        return f"Value(data={self.data:.4g}, grad={self.grad:.4g})"

    # ---- the operations: each one computes its number and its local derivatives

    def __add__(self, other):
        other = as_value(other)
        return Value(self.data + other.data, (self, other), (1.0, 1.0), "+")

    def __mul__(self, other):
        other = as_value(other)
        return Value(self.data * other.data, (self, other), (other.data, self.data), "*")

    def __pow__(self, exponent):
        if not isinstance(exponent, numbers.Real):
            raise TypeError(f"Value ** exponent needs a plain number as the exponent (like 2 or -1), got {exponent!r}.")
        return Value(self.data ** exponent, (self,), (exponent * self.data ** (exponent - 1),), f"**{exponent:g}")

    def tanh(self):
        t = math.tanh(self.data)
        return Value(t, (self,), (1.0 - t * t,), "tanh")

    # ---- the rest follows from those: a - b = a + (-1)·b, a / b = a · b⁻¹, and numbers on either side

    def __neg__(self):
        return self * -1.0

    def __sub__(self, other):
        return self + (-as_value(other))

    def __truediv__(self, other):
        return self * as_value(other) ** -1

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def __rsub__(self, other):
        return as_value(other) - self

    def __rtruediv__(self, other):
        return as_value(other) / self

    def backward(self):
        """Fill `.grad` of every Value this one was computed from (see `backward`)."""
        backward(self)


def as_value(x):
    """A Value as it is; a plain number becomes a Value (a constant: nothing asks for its gradient)."""
    if isinstance(x, Value):
        return x
    if isinstance(x, numbers.Real):
        return Value(x)
    raise TypeError(f"A Value can be combined with a Value or a plain number, not {type(x).__name__}.")


def topological_order(root):
    """Every Value `root` depends on, and root itself, each listed after all the Values it was computed from.

    Depth first: a Value is appended only after all its parents have been; `visited` makes a Value used twice
    appear once.
    """
    order, visited = [], set()

    def visit(node):
        if node in visited:
            return
        visited.add(node)
        for parent in node.parents:
            visit(parent)
        order.append(node)

    visit(root)
    return order


def backward(root):
    """Set `.grad` of every Value in root's graph to d root / d that Value.

    Every grad starts again from 0 (so calling it twice gives the same result), root.grad = 1, then the nodes in
    reverse topological order pass `grad × local derivative` to their parents, adding it up.
    """
    order = topological_order(root)
    for node in order:
        node.grad = 0.0
    root.grad = 1.0
    for node in reversed(order):
        for parent, local in zip(node.parents, node.local_grads):
            parent.grad += node.grad * local
