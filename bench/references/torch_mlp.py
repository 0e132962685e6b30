"""PyTorch, CPU, eager mode: "torch" with two intra-op threads (one per core of the reference machine), and
"torch_1thread" with one (on a loaded shared machine, two threads that must meet at every small matmul can be
slower than one: the benchmark compares against the faster of the two).

nn.Sequential of Linear/ReLU, torch.optim.SGD (foreach), cross_entropy on logits. Tuned eager code: the
data is one tensor, each batch is an index_select of a random permutation (no DataLoader, whose per-item
collation would dominate at this size), gradients are set to None instead of zeroed.
"""
import functools
import types

import torch
import torch.nn.functional as F

from bench.references import Run, samples_per_epoch


def setup(threads=2):
    torch.set_num_threads(threads)


def _model(params):
    layers = []
    for i, layer in enumerate(params):
        linear = torch.nn.Linear(*layer["W"].shape)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(layer["W"].T.copy()))   # torch stores (n_out, n_in)
            linear.bias.copy_(torch.from_numpy(layer["b"]))
        layers.append(linear)
        if i < len(params) - 1:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


def train(params, data, *, epochs, lr, batch_size, seed=0, validate=False, stop_at=None):
    model = _model(params)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    x, y = torch.from_numpy(data.x_train), torch.from_numpy(data.y_train).long()
    x_test, y_test = torch.from_numpy(data.x_test), torch.from_numpy(data.y_test).long()
    n = len(x)
    batch_size = batch_size or n
    generator = torch.Generator().manual_seed(seed)
    accuracies = []
    for epoch in range(1, epochs + 1):
        order = torch.randperm(n, generator=generator) if batch_size < n else None
        for start in range(0, n - batch_size + 1, batch_size):
            if order is None:
                x_batch, y_batch = x, y
            else:
                indices = order[start:start + batch_size]
                x_batch, y_batch = x.index_select(0, indices), y.index_select(0, indices)
            loss = F.cross_entropy(model(x_batch), y_batch)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
        if validate:
            with torch.no_grad():
                accuracies.append(float((model(x_test).argmax(dim=1) == y_test).float().mean()))
                if stop_at is not None and accuracies[-1] >= stop_at:
                    break
    return Run(samples_per_epoch(n, batch_size) * epoch, epoch, accuracies)


def variant(name):
    threads = {"torch": 2, "torch_1thread": 1}[name]
    return types.SimpleNamespace(DESCRIPTION=f"PyTorch CPU eager, {threads} thread{'s' if threads > 1 else ''}",
                                 setup=functools.partial(setup, threads), train=train)
