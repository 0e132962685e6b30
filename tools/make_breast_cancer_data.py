"""Write course_lib/data/breast_cancer.npz: the 569 tumours that `course_lib.datasets.load_tabular` loads.

Run once, from the repository root, when the shipped file has to be made again:

    PYTHONPATH=$PWD .venv/bin/python tools/make_breast_cancer_data.py

The table is scikit-learn's copy (`sklearn.datasets.load_breast_cancer`) of the UCI "Breast Cancer Wisconsin
(Diagnostic)" data (Wolberg, Street & Mangasarian, 1995; CC BY 4.0): 30 measurements of each tumour's cell nuclei
and its diagnosis. The measurements are stored as float32, the type `load_tabular` has always converted them to,
so the loaded arrays are bit for bit what the scikit-learn path gave; the labels as uint8, the column and class
names as text. Loading it needs NumPy only: importing scikit-learn cost 1-4 s in a fresh kernel (notebook 09's
first output waited for it).
"""
from pathlib import Path

import numpy as np
from sklearn.datasets import load_breast_cancer

TARGET = Path(__file__).resolve().parents[1] / "course_lib" / "data" / "breast_cancer.npz"


def main():
    raw = load_breast_cancer()
    measurements = raw.data.astype(np.float32)
    labels = raw.target.astype(np.uint8)
    assert np.array_equal(labels, raw.target) and set(labels) == {0, 1}
    assert measurements.shape == (569, 30) and np.isfinite(measurements).all()
    np.savez_compressed(TARGET, measurements=measurements, labels=labels,
                        feature_names=np.asarray(raw.feature_names, dtype=str),
                        class_names=np.asarray(raw.target_names, dtype=str))
    print(f"wrote {TARGET} ({TARGET.stat().st_size / 1024:.1f} KiB): measurements {measurements.shape}, "
          f"labels {labels.shape}")


if __name__ == "__main__":
    main()
