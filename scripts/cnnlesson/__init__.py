"""The lesson package of "Image classification with CNNs in Python": what the notebooks import.

It holds plumbing, not ideas: the notebooks in ``episodes/`` show the ideas in plain Keras and
call this package for data, paths, plots, widgets, saving and checking exercises. Modules:

- ``settings``: paths, the quick/full switch, seeds, progress bars, versions
- ``files``, ``download``: atomic writes, checksums, downloads
- ``data``: CIFAR-10, image folders, splits, batches
- ``models``: models that later episodes reuse
- ``trained``: saving what episodes train; your own run, else the catch-up copy
- ``plotting``, ``liveplot``, ``widgets``, ``gradcam``: pictures
- ``pretrained``: ImageNet backbones (online or from a mirror)
- ``modelcard``, ``weights_npz``, ``own_image``, ``tensorboard_logs``: sharing (episode 07)
- ``environment``: is this machine ready (``lesson.py check`` / ``prefetch``); ``pace``: how long
  each episode takes here; ``tflogs``: TensorFlow's C++ start-up lines kept from learners
- ``exercises``: exercises that check themselves
- ``explain``: common errors explained in plain words under their traceback (opt-in)

Maintainer tools (benchmark, learner copies, Colab cells, instructor notes, catch-up training)
live in the separate ``lessontools`` package; nothing here imports them.
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
from .download import DataUnavailableError
from .files import ChecksumError
from .settings import output_path, project_root, run_settings, set_seed

__version__ = "0.2.0"

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
