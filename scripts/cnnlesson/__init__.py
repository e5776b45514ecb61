"""Helper package of the lesson "Image classification with CNNs in Python".

It holds the plumbing (data, paths, plots, saving); the notebooks in ``episodes/`` hold the
lesson's ideas in plain Keras. Modules by stage: ``settings``, ``download``, ``data``,
``models``, ``training``, ``plotting``; ``prefetch`` and ``benchmark`` are commands.
"""

from .data import (
    CIFAR10_CLASSES,
    ImageDataset,
    class_counts,
    load_cifar10,
    load_image_folder,
    read_image,
    split_train_validation,
    stratified_subset,
)
from .download import ChecksumError, DataUnavailableError
from .settings import output_path, project_root, run_settings, set_seed

__version__ = "0.1.0"

__all__ = [
    "CIFAR10_CLASSES",
    "ChecksumError",
    "DataUnavailableError",
    "ImageDataset",
    "class_counts",
    "load_cifar10",
    "load_image_folder",
    "output_path",
    "project_root",
    "read_image",
    "run_settings",
    "set_seed",
    "split_train_validation",
    "stratified_subset",
]
