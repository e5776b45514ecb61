"""The checkers of episode 07's exercises: the solution passes, the skeleton asks to fill in,
and typical wrong answers each get their own hint."""

from __future__ import annotations

import zipfile

import numpy as np
import pytest

from cnnlesson import CIFAR10_CLASSES
from cnnlesson.exercises import hints


def words(found) -> str:
    return " ".join(f"{h.problem} {h.fix} {h.answer}" for h in found).lower()


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """A small stand-in for the shared model: the fast CNN (random weights) saved as .keras and
    .weights.h5, with its predictions on 4 random images."""
    from cnnlesson.models import build_fast_cnn

    folder = tmp_path_factory.mktemp("share")
    model = build_fast_cnn(augment=False)
    images = np.random.default_rng(0).integers(0, 256, (4, 32, 32, 3), dtype=np.uint8)
    model.save(folder / "model.keras")
    model.save_weights(folder / "model.weights.h5")
    return {"model": model, "images": images, "folder": folder,
            "reference": model.predict(images, verbose=0)}


# --- 07.1: the files inside a .keras file ----------------------------------------------------

def test_keras_archive(shared):
    with zipfile.ZipFile(shared["folder"] / "model.keras") as archive:
        names = archive.namelist()
        assert hints("07.1", names=names) == []
        assert "namelist" in words(hints("07.1", names=archive))
    assert "fill in" in words(hints("07.1", names=...))
    assert "one str" in words(hints("07.1", names=str(shared["folder"] / "model.keras")))
    npz_names = ["000/conv2d/kernel.npy", "001/batch_normalization/gamma.npy"]
    assert "config.json" in words(hints("07.1", names=npz_names))


# --- 07.2: weights into a rebuilt model ------------------------------------------------------

def test_weights_into_rebuilt_model(shared):
    from cnnlesson.models import build_fast_cnn, build_intro_cnn

    args = {"images": shared["images"], "reference": shared["reference"]}
    rebuilt = build_fast_cnn(augment=False)
    assert "load_weights" in words(hints("07.2", model=rebuilt, **args))  # the skeleton's model
    rebuilt.load_weights(shared["folder"] / "model.weights.h5")
    assert hints("07.2", model=rebuilt, **args) == []
    assert "fill in" in words(hints("07.2", model=..., **args))
    assert "augment=false" in words(hints("07.2", model=build_fast_cnn(), **args))
    assert "parameters" in words(hints("07.2", model=build_intro_cnn(), **args))
    assert "not a keras model" in words(hints("07.2", model="model.weights.h5", **args))


# --- 07.3: class names from the server's outputs ---------------------------------------------

def test_served_class_names():
    probabilities = np.eye(10)[[8, 0, 0, 4, 0]]
    args = {"probabilities": probabilities, "class_names": CIFAR10_CLASSES}
    right = ["ship", "airplane", "airplane", "deer", "airplane"]
    assert hints("07.3", names=right, **args) == []
    assert hints("07.3", names=np.array(right), **args) == []
    assert "fill in" in words(hints("07.3", names=..., **args))
    assert "class numbers" in words(hints("07.3", names=[8, 0, 0, 4, 0], **args))
    column_wise = [CIFAR10_CLASSES[k] for k in probabilities.argmax(axis=0)]
    assert "axis=1" in words(hints("07.3", names=column_wise, **args))
    shifted = ["truck", "airplane", "airplane", "deer", "airplane"]
    found = hints("07.3", names=shifted, **args)
    assert "image 0" in words(found) and "'ship'" in words(found)


# --- 07.4: a model card by hand --------------------------------------------------------------

def card(**changes):
    return {"class_names": list(CIFAR10_CLASSES), "input_shape": [32, 32, 3],
            "test_accuracy": 0.8057, **changes}


def test_card_by_hand():
    assert hints("07.4", card=card()) == []
    assert hints("07.4", card=card(input_shape=(32, 32, 3))) == []
    skeleton = dict.fromkeys(["class_names", "input_shape", "test_accuracy"], ...)
    assert "fill in" in words(hints("07.4", card=skeleton))
    assert "batch dimension" in words(hints("07.4", card=card(input_shape=[None, 32, 32, 3])))
    assert "percentage" in words(hints("07.4", card=card(test_accuracy=80.57)))
    assert "json" in words(hints("07.4", card=card(test_accuracy=np.float32(0.8))))
    assert "in order" in words(hints("07.4", card=card(class_names=["cat", "dog"])))
    assert "no 'input_shape'" in words(hints("07.4", card={"class_names": [], "accuracy": 1}))


# --- 07.5: three images in one batch ---------------------------------------------------------

def test_image_batch():
    images = [np.full((32, 32, 3), 100 + k, dtype=np.uint8) for k in range(3)]
    assert hints("07.5", batch=np.stack(images)) == []
    assert "fill in" in words(hints("07.5", batch=...))
    assert "np.stack" in words(hints("07.5", batch=images))
    assert "one image" in words(hints("07.5", batch=images[0]))
    assert "divide by 255" in words(hints("07.5", batch=np.stack(images) / 255))
    assert "resizes" in words(hints("07.5", batch=np.zeros((3, 64, 64, 3), np.uint8)))


# --- 07.6: weights in half precision ---------------------------------------------------------

def test_half_precision(shared):
    from cnnlesson.models import build_fast_cnn

    model = shared["model"]
    args = {}
    half = [w.numpy().astype(np.float16) for w in model.weights]
    copy = build_fast_cnn(augment=False)
    assert "set_weights" in words(hints("07.6", weights=half, model=copy, **args))
    copy.set_weights([w.astype(np.float32) for w in half])
    assert hints("07.6", weights=half, model=copy, **args) == []
    assert "fill in" in words(hints("07.6", weights=..., model=copy, **args))
    trainable = [w.numpy().astype(np.float16) for w in model.trainable_weights]
    assert "trainable_weights" in words(hints("07.6", weights=trainable, model=copy, **args))
    full = [w.numpy() for w in model.weights]
    assert "float16" in words(hints("07.6", weights=full, model=copy, **args))


# --- 07.7: the epoch of the lowest validation loss -------------------------------------------

def test_lowest_loss_epoch():
    steps = np.arange(5)
    scalars = {"train": {"epoch_loss": (steps, np.array([2.0, 1.5, 1.2, 1.0, 0.9]))},
               "validation": {"epoch_loss": (steps, np.array([1.8, 1.4, 1.3, 1.35, 1.5])),
                              "epoch_accuracy": (steps, np.array([.3, .4, .45, .5, .48]))}}
    assert hints("07.7", epoch=3, scalars=scalars) == []
    assert hints("07.7", epoch=np.int64(3), scalars=scalars) == []
    assert "fill in" in words(hints("07.7", epoch=..., scalars=scalars))
    assert "count from 0" in words(hints("07.7", epoch=2, scalars=scalars))
    assert "highest" in words(hints("07.7", epoch=1, scalars=scalars))
    assert "training" in words(hints("07.7", epoch=5, scalars=scalars))
    assert "accuracy" in words(hints("07.7", epoch=4, scalars=scalars))


# --- 07.8: a request in the columnar format -------------------------------------------------

def test_columnar_request():
    import json

    images = np.random.default_rng(1).integers(0, 256, (3, 32, 32, 3), dtype=np.uint8)
    args = {"images": images, "input_name": "keras_tensor_7"}

    def body(**request):
        return json.dumps({"signature_name": "serving_default", **request})

    right = body(inputs={"keras_tensor_7": images.tolist()})
    assert hints("07.8", body=right, **args) == []
    assert hints("07.8", body=body(inputs=images.tolist()), **args) == []  # one input: no name
    assert "fill in" in words(hints("07.8", body=..., **args))
    assert "dictionary" in words(hints("07.8", body=json.loads(right), **args))
    assert "row format" in words(hints("07.8", body=body(
        instances=[{"keras_tensor_7": image.tolist()} for image in images]), **args))
    assert "not valid json" in words(hints("07.8", body=right[:-1], **args))
    no_signature = json.dumps({"inputs": {"keras_tensor_7": images.tolist()}})
    assert "'serving_default'" in words(hints("07.8", body=no_signature, **args))
    assert "called 'keras_tensor_7'" in words(hints("07.8", body=body(
        inputs={"images": images.tolist()}), **args))
    assert "one image" in words(hints("07.8", body=body(
        inputs={"keras_tensor_7": images[0].tolist()}), **args))
    assert "divided by 255" in words(hints("07.8", body=body(
        inputs={"keras_tensor_7": (images / 255).tolist()}), **args))
    assert "not the pixels" in words(hints("07.8", body=body(
        inputs={"keras_tensor_7": images[::-1].tolist()}), **args))
    assert "json text" in words(hints("07.8", body=images, **args))
