"""The ImageNet-weights mirror setting: found, missing, wrong file, offline."""

from __future__ import annotations

import urllib.error

import numpy as np
import pytest

from cnnlesson import pretrained
from cnnlesson.download import DataUnavailableError
from cnnlesson.files import ChecksumError, file_hash


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "keras_models"
    monkeypatch.setattr(pretrained, "keras_cache_dir", lambda: folder)
    return folder


def test_no_mirror_does_nothing(cache, monkeypatch):
    monkeypatch.delenv(pretrained.WEIGHTS_MIRROR_VARIABLE, raising=False)
    assert pretrained.use_weights_mirror() == []
    assert not cache.exists()


def test_mirror_files_are_linked_not_copied(cache, tmp_path, monkeypatch):
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    (mirror / "some_model_no_top.h5").write_bytes(b"weights")
    (mirror / "notes.txt").write_text("not a weight file")
    monkeypatch.setenv(pretrained.WEIGHTS_MIRROR_VARIABLE, str(mirror))
    links = pretrained.use_weights_mirror()
    assert [p.name for p in links] == ["some_model_no_top.h5"]
    assert links[0].is_symlink() and links[0].resolve() == (mirror / "some_model_no_top.h5")
    assert pretrained.use_weights_mirror() == links  # idempotent


def test_known_file_with_wrong_bytes_is_refused(cache, tmp_path, monkeypatch):
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    (mirror / "mobilenet_2_5_224_tf_no_top.h5").write_bytes(b"not the real weights")
    with pytest.raises(ChecksumError, match="corrupt or not the official file"):
        pretrained.use_weights_mirror(mirror)
    assert not (cache / "mobilenet_2_5_224_tf_no_top.h5").exists()


def test_known_file_with_right_bytes_is_accepted(cache, tmp_path, monkeypatch):
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    weights = mirror / "imagenet_class_index.json"
    weights.write_text("{}")
    monkeypatch.setitem(pretrained.KNOWN_FILES, weights.name, ("md5", file_hash(weights, "md5")))
    assert [p.name for p in pretrained.use_weights_mirror(mirror)] == [weights.name]


def test_stale_link_is_replaced(cache, tmp_path):
    cache.mkdir()
    (cache / "w.h5").symlink_to(tmp_path / "gone.h5")
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    (mirror / "w.h5").write_bytes(b"x")
    pretrained.use_weights_mirror(mirror)
    assert (cache / "w.h5").resolve() == mirror / "w.h5"


def test_missing_mirror_folder_is_a_clear_error(cache, tmp_path):
    with pytest.raises(DataUnavailableError, match=pretrained.WEIGHTS_MIRROR_VARIABLE):
        pretrained.use_weights_mirror(tmp_path / "nowhere")


def test_mobilenet_file_names_follow_keras():
    assert pretrained.mobilenet_weights_name(0.25, 96) == "mobilenet_2_5_224_tf_no_top.h5"
    assert pretrained.mobilenet_weights_name(0.5, 160) == "mobilenet_5_0_160_tf_no_top.h5"


def test_offline_without_mirror_gives_one_clear_message(monkeypatch, tmp_path):
    """A backbone whose weights nobody has cached, with downloads failing as offline."""
    import keras.src.utils.file_utils as file_utils

    def offline(*args, **kwargs):
        raise urllib.error.URLError("Name or service not known")

    monkeypatch.setattr(file_utils, "urlretrieve", offline)
    monkeypatch.delenv(pretrained.WEIGHTS_MIRROR_VARIABLE, raising=False)
    with pytest.raises(DataUnavailableError, match="CNNLESSON_WEIGHTS_MIRROR"):
        pretrained.load_imagenet_backbone("MobileNet", input_shape=(128, 128, 3), alpha=0.75)


def test_unknown_backbone_name():
    with pytest.raises(ValueError, match="no model named"):
        pretrained.load_imagenet_backbone("NoSuchNet")


def test_every_named_backbone_has_its_own_preprocessing():
    import keras

    for name in pretrained.BACKBONES:
        assert callable(getattr(keras.applications, name))
        assert callable(pretrained.preprocess_function(name))
    scaled = pretrained.preprocess_function("MobileNet")(np.array([0.0, 255.0], np.float32))
    np.testing.assert_allclose(scaled, [-1.0, 1.0])
    with pytest.raises(ValueError, match="Unknown backbone"):
        pretrained.preprocess_function("AlexNet")


def test_extract_features_batches_uint8_images_and_checks_shapes():
    import keras

    inputs = keras.Input((8, 8, 3))
    extractor = keras.Model(inputs, keras.layers.GlobalAveragePooling2D()(inputs))
    images = np.random.default_rng(0).integers(0, 256, (10, 8, 8, 3), dtype=np.uint8)
    features = pretrained.extract_features(extractor, images, batch_size=4)
    assert features.shape == (10, 3) and features.dtype == np.float32
    np.testing.assert_allclose(features, images.mean(axis=(1, 2)), rtol=1e-5)
    with pytest.raises(ValueError, match="resize"):
        pretrained.extract_features(extractor, np.zeros((2, 9, 9, 3), np.uint8))
    with pytest.raises(ValueError, match="batch of images"):
        pretrained.extract_features(extractor, np.zeros((8, 8, 3), np.uint8))
    with pytest.raises(ValueError, match="no images"):
        pretrained.extract_features(extractor, np.zeros((0, 8, 8, 3), np.uint8))
