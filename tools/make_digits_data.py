"""Write course_lib/data/digits.npz: the 1797 handwritten digits that `course_lib.datasets.load_digits` loads.

Run once, from the repository root, when the shipped file has to be made again:

    PYTHONPATH=$PWD .venv/bin/python tools/make_digits_data.py

The pictures are scikit-learn's copy (`sklearn.datasets.load_digits`), itself the test set of the UCI "Optical
Recognition of Handwritten Digits" data (Alpaydin & Kaynak, 1998; CC BY 4.0). They are stored as they are:
8×8 grey levels 0..16 and the digit 0..9, both as uint8, in a compressed .npz (about 45 KB), so that loading
them needs NumPy only: importing scikit-learn cost 1.4-5 s in a fresh kernel. The script checks that the
values survive the trip to uint8 exactly before it writes anything.
"""
from pathlib import Path

import numpy as np
from sklearn.datasets import load_digits

TARGET = Path(__file__).resolve().parents[1] / "course_lib" / "data" / "digits.npz"


def main():
    raw = load_digits()
    images = raw.images.astype(np.uint8)
    labels = raw.target.astype(np.uint8)
    # uint8 holds 0..255; make sure nothing was rounded or wrapped on the way.
    assert np.array_equal(images, raw.images) and np.array_equal(labels, raw.target)
    assert images.shape == (1797, 8, 8) and images.max() == 16 and set(labels) == set(range(10))
    np.savez_compressed(TARGET, images=images, labels=labels)
    print(f"wrote {TARGET} ({TARGET.stat().st_size / 1024:.1f} KiB): images {images.shape}, labels {labels.shape}")


if __name__ == "__main__":
    main()
