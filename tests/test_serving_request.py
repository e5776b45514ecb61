"""The TensorFlow Serving request of episode 07 ("Going further: serve the model over HTTP")
round-trips: the JSON body built from the exported model's real signature, parsed as a server
parses it and fed to the loaded SavedModel's signature, gives the Keras model's predictions.

The body is built as in the episode (row format, ``"instances"``, one object per image keyed by
the signature's input name) and as in exercise 7.8 (columnar, ``"inputs"``); no server runs.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
import tensorflow as tf


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """The fast CNN without augmentation (random weights), exported as a SavedModel and loaded
    back with plain TensorFlow, with two uint8 images and the Keras model's predictions."""
    import keras

    from cnnlesson.models import build_fast_cnn

    keras.utils.set_random_seed(0)
    model = build_fast_cnn(augment=False)
    folder = tmp_path_factory.mktemp("serving") / "fast_cnn_savedmodel"
    model.export(folder, verbose=False)
    images = np.random.default_rng(0).integers(0, 256, (2, 32, 32, 3), dtype=np.uint8)
    served = tf.saved_model.load(str(folder))
    return {"folder": folder, "signature": served.signatures["serving_default"],
            "images": images, "reference": model.predict(images, verbose=0)}


def the_input(signature):
    inputs = signature.structured_input_signature[1]  # {name: TensorSpec}: one entry
    name = list(inputs)[0]
    return name, inputs[name]


def test_the_signature_is_what_the_request_is_built_from(exported):
    name, spec = the_input(exported["signature"])
    assert spec.dtype == tf.uint8 and spec.shape.as_list() == [None, 32, 32, 3]
    assert name.startswith("keras_tensor")
    assert {"saved_model.pb", "variables"} <= {p.name for p in exported["folder"].iterdir()}, \
        "the folder TensorFlow Serving mounts as version 1"


def test_the_row_format_body_round_trips_through_a_file(exported, tmp_path):
    signature, images = exported["signature"], exported["images"]
    name, spec = the_input(signature)
    request = {"signature_name": "serving_default",
               "instances": [{name: image.tolist()} for image in images]}
    path = tmp_path / "fast_cnn_request.json"
    path.write_text(json.dumps(request))

    received = json.loads(path.read_text())
    assert received["signature_name"] == "serving_default"
    batch = np.array([row[name] for row in received["instances"]],
                     dtype=spec.dtype.as_numpy_dtype)
    assert batch.dtype == np.uint8 and np.array_equal(batch, images)
    outputs = signature(**{name: tf.constant(batch)})["output_0"].numpy()
    np.testing.assert_allclose(outputs, exported["reference"], atol=1e-6)
    reply = json.loads(json.dumps({"predictions": outputs.tolist()}))
    assert np.array(reply["predictions"]).shape == (2, 10)


def test_the_columnar_body_round_trips(exported):
    signature, images = exported["signature"], exported["images"]
    name, spec = the_input(signature)
    body = json.dumps({"signature_name": "serving_default", "inputs": {name: images.tolist()}})
    received = json.loads(body)["inputs"]
    batch = {key: tf.constant(np.array(value, dtype=spec.dtype.as_numpy_dtype))
             for key, value in received.items()}
    outputs = signature(**batch)["output_0"].numpy()
    np.testing.assert_allclose(outputs, exported["reference"], atol=1e-6)


def test_a_body_with_scaled_pixels_does_not_give_the_model_s_predictions(exported):
    """The round trip can fail: pixels divided by 255 reach the signature as near-black uint8
    images, and the answers change without any error."""
    signature, images = exported["signature"], exported["images"]
    name, spec = the_input(signature)
    body = json.dumps({"instances": [{name: (image / 255).tolist()} for image in images]})
    batch = np.array([row[name] for row in json.loads(body)["instances"]])
    outputs = signature(**{name: tf.constant(batch.astype(spec.dtype.as_numpy_dtype))})
    assert not np.allclose(outputs["output_0"].numpy(), exported["reference"], atol=1e-3)
