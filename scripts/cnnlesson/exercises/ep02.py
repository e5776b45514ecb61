"""Checkers of episode 02's exercises (see :mod:`cnnlesson.exercises`)."""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from . import Hint, exercise, is_keras_model, layers_of, wrong_type

CHANNELS = ("red", "green", "blue")


def _array(name: str, value, ndim: int | None = None):
    """A hint when ``value`` is not a NumPy array (of ``ndim`` dimensions), else nothing."""
    if not isinstance(value, np.ndarray):
        yield wrong_type(name, value, "a NumPy array",
                   "Make it an array, e.g. with np.asarray(...).")
    elif ndim is not None and value.ndim != ndim:
        yield Hint(f"`{name}` has the shape {value.shape}; it should have {ndim} axes.")


@exercise("02.1", "switch off a colour")
def switch_off_red(image, no_red):
    problem = next(_array("no_red", no_red), None)
    if problem:
        yield problem
        return
    if np.shares_memory(image, no_red):
        yield Hint("`no_red` is the same array as `image`: your change altered `image` too.",
                   "Start from a copy: no_red = image.copy().")
        return
    if no_red.shape != image.shape:
        yield Hint(f"`no_red` has the shape {no_red.shape}, `image` {image.shape}: keep all "
                   "three channels and set the red one to 0.", "no_red[..., 0] = 0")
        return
    zeroed = [k for k in range(3) if not no_red[..., k].any() and image[..., k].any()]
    if 0 not in zeroed:
        if zeroed:
            yield Hint(f"you set channel {zeroed[0]} ({CHANNELS[zeroed[0]]}) to 0; red is "
                       "channel 0.", "no_red[..., 0] = 0")
        else:
            yield Hint("the red channel of `no_red` is not 0 yet: fill in the line that sets "
                       "it.", "no_red[..., 0] = 0 (all rows, all columns, channel 0).")
        return
    if not np.array_equal(no_red[..., 1:], image[..., 1:]):
        yield Hint("green and blue changed too; only red should be 0.",
                   "Start again from image.copy() and set only channel 0.")


@exercise("02.2", "PNG or JPEG?")
def png_or_jpeg(original, from_jpeg):
    problem = next(_array("from_jpeg", from_jpeg), None)
    if problem:
        yield problem
        return
    if from_jpeg.shape != original.shape:
        yield Hint(f"the image read back has the shape {from_jpeg.shape}, the photo "
                   f"{original.shape}: read it without `size=`.",
                   "cnnlesson.read_image(jpeg_path)")
        return
    if from_jpeg.dtype != np.uint8:
        yield Hint(f"the image read back is {from_jpeg.dtype}; read_image gives uint8.",
                   "Compare what cnnlesson.read_image(jpeg_path) returns, unchanged.")
        return
    if np.array_equal(from_jpeg, original):
        yield Hint("the copy is identical to the photo, so it was not stored as JPEG.",
                   "Save it under a name that ends in .jpg: Image.fromarray(photo)"
                   ".save(folder / 'china.jpg').")
        return
    if np.abs(from_jpeg.astype(int) - original).mean() > 20:
        yield Hint("the copy differs far more than JPEG's small losses: is it the same photo?",
                   "Save `photo` itself and read the same file back.")


@exercise("02.3", "keep the whole photo")
def resize_whole(resized):
    if type(resized).__module__.startswith("PIL"):
        yield Hint("`whole` is a PIL image, not a NumPy array.",
                   "Wrap it: np.asarray(Image.fromarray(photo).resize((160, 120))).")
        return
    problem = next(_array("whole", resized), None)
    if problem:
        yield problem
        return
    if resized.shape == (160, 120, 3):
        yield Hint("your image is 160 pixels high and 120 wide: PIL's resize takes "
                   "(width, height), NumPy shapes are (height, width).",
                   "resize((160, 120)) gives 160 wide, 120 high.")
    elif resized.shape != (120, 160, 3):
        yield Hint(f"the shape is {resized.shape}; 160 wide and 120 high is (120, 160, 3) in "
                   "NumPy.", "np.asarray(Image.fromarray(photo).resize((160, 120)))")
    elif resized.dtype != np.uint8:
        yield Hint(f"the result is {resized.dtype}; a resized photo stays uint8.",
                   "Resize with PIL and convert with np.asarray, without arithmetic.")


@exercise("02.4", "scale a batch")
def scale_batch(original, scaled):
    problem = next(_array("batch_scaled", scaled), None)
    if problem:
        yield problem
        return
    if scaled.shape != original.shape:
        yield Hint(f"`batch_scaled` has the shape {scaled.shape}; the 100 images have "
                   f"{original.shape}.", "Scale every value, keep the shape.")
        return
    if np.issubdtype(scaled.dtype, np.integer):
        yield Hint(f"the result is {scaled.dtype}: whole numbers cannot lie between 0 and 1 "
                   "(integer division `//` or astype after dividing?).",
                   "astype(np.float32) first, then / 255.")
        return
    if float(scaled.max()) > 1.0 + 1e-6:
        yield Hint(f"the values go up to {float(scaled.max()):.0f}: not scaled to [0, 1] yet.",
                   "Divide by 255.")
        return
    expected = original.astype(np.float32) / 255
    if not np.allclose(scaled, expected, atol=1e-6):
        yield Hint("the values are not the pixels divided by 255 (min-max normalised?).",
                   "The exercise divides by 255: original.astype(np.float32) / 255.")
        return
    if scaled.dtype != np.float32:
        yield Hint(f"the result is {scaled.dtype}: 8 bytes per value, twice float32.",
                   "Convert first, then divide: astype(np.float32) / 255.")


@exercise("02.5", "from one-hot back to integers")
def one_hot_back(one_hot, labels):
    labels = np.asarray(labels)
    one_hot = np.asarray(one_hot)
    if labels.shape == one_hot.shape:
        yield Hint("these are still one-hot vectors.", "np.argmax(one_hot, axis=1)")
    elif labels.shape == one_hot.shape[1:]:
        yield Hint(f"you took the argmax over axis 0 (down the columns) and got "
                   f"{labels.shape[0]} numbers; we want one per label.",
                   "Use axis=1: along each row.", "np.argmax(one_hot, axis=1)")
    elif labels.shape != one_hot.shape[:1]:
        yield Hint(f"the result has the shape {labels.shape}; one number per label is "
                   f"{one_hot.shape[:1]}.", "np.argmax(one_hot, axis=1)")
    elif not np.array_equal(labels, np.argmax(one_hot, axis=1)):
        yield Hint("these are not the positions of the 1s.", "np.argmax(one_hot, axis=1)")


@exercise("02.6", "shuffle without breaking the pairs",
          success="Every image kept its own label.")
def shuffle_pairs(x_before, y_before, x_after, y_after):
    x_after, y_after = np.asarray(x_after), np.asarray(y_after)
    if x_after.shape != x_before.shape or y_after.shape != y_before.shape:
        yield Hint(f"shapes changed: images {x_before.shape} -> {x_after.shape}, labels "
                   f"{y_before.shape} -> {y_after.shape}.",
                   "Index both arrays with the whole order: x_some[order_ex6].")
        return
    if np.array_equal(x_after, x_before) and np.array_equal(y_after, y_before):
        yield Hint("nothing was shuffled: the images and labels are in their old order.",
                   "Index both with the permutation: x_some[order_ex6], y_some[order_ex6].")
        return
    labels_of = defaultdict(set)
    for image, label in zip(x_before, y_before, strict=True):
        labels_of[image.tobytes()].add(int(label))
    wrong = sum(int(label) not in labels_of.get(image.tobytes(), ())
                for image, label in zip(x_after, y_after, strict=True))
    if wrong:
        alone = ("only the labels were shuffled" if np.array_equal(x_after, x_before) else
                 "only the images were shuffled" if np.array_equal(y_after, y_before) else
                 "images and labels were shuffled in different orders")
        yield Hint(f"{wrong:,} of {len(y_after):,} images now carry another image's label: "
                   f"{alone}.", "Use one order for both: x_some[order_ex6], y_some[order_ex6].")


AUGMENTERS = ("RandomFlip", "RandomTranslation", "RandomRotation", "RandomZoom")


@exercise("02.7", "a stronger augmenter")
def stronger_augmenter(augmenter):
    if not is_keras_model(augmenter):
        yield wrong_type("stronger", augmenter, "a Keras Sequential",
                   "keras.Sequential([*augment.layers, ...])")
        return
    missing = [kind for kind in AUGMENTERS if not layers_of(augmenter, kind)]
    if missing:
        yield Hint(f"the four layers of `augment` are not all there: {', '.join(missing)} "
                   "missing.", "Start the list with *augment.layers.")
    for kind, setting in (("RandomContrast", "0.3"), ("RandomBrightness", "0.2")):
        if not layers_of(augmenter, kind):
            yield Hint(f"{kind} is still missing: fill it into the list.",
                       f"Add layers.{kind}({setting}) after *augment.layers.")
    for layer in layers_of(augmenter, "RandomBrightness"):
        value_range = tuple(getattr(layer, "value_range", (0, 255)))
        if value_range[-1] != 255:
            yield Hint(f"RandomBrightness assumes values in {value_range}, but our images run "
                       "from 0 to 255.", "Keep the default value_range=(0, 255).")
    if layers_of(augmenter, "Rescaling"):
        yield Hint("the augmenter scales the images: leave scaling to the model's Rescaling "
                   "layer.", "Remove the Rescaling layer from `stronger`.")


def _first_batch(dataset):
    images, labels = next(iter(dataset))
    return np.asarray(images), np.asarray(labels)


@exercise("02.8", "a validation pipeline")
def validation_pipeline(dataset, x_val, y_val):
    import tensorflow as tf

    if not isinstance(dataset, tf.data.Dataset):
        yield wrong_type("val_ds", dataset, "a tf.data.Dataset",
                   "tf.data.Dataset.from_tensor_slices((x_val, y_val)).batch(64)...")
        return
    images, labels = _first_batch(dataset)
    if images.ndim == 3:
        yield Hint("the pipeline is not batched yet: each element is one image. Fill in the "
                   ".batch(64).", "Add .batch(64).prefetch(tf.data.AUTOTUNE).")
        return
    if len(images) != min(64, len(y_val)):
        yield Hint(f"the first batch holds {len(images)} images; the exercise asks for 64.",
                   ".batch(64)")
    all_labels = np.concatenate([np.asarray(b) for _, b in dataset])
    if len(all_labels) != len(y_val):
        yield Hint(f"the pipeline gives {len(all_labels):,} labels; the validation set has "
                   f"{len(y_val):,}.", "Start from (x_val, y_val), all of it.")
        return
    if not np.array_equal(all_labels, y_val):
        if np.array_equal(np.sort(all_labels), np.sort(y_val)):
            yield Hint("the labels come out in another order: the pipeline shuffles. Validation "
                       "needs no shuffling.", "Remove .shuffle(...).")
        else:
            yield Hint("these are not the validation labels.", "Start from (x_val, y_val).")
        return
    if not np.allclose(images, x_val[:len(images)]):
        yield Hint("the images come out changed: validation images are not augmented.",
                   "Remove the .map(...) with the augmenter.")


@exercise("02.9", "the same images both ways")
def folder_both_ways(images, labels, reference):
    if hasattr(images, "element_spec"):
        yield Hint("`x_folder_test` is still a tf.data pipeline, not a NumPy array.",
                   "np.stack([image.numpy() for image, _ in test_files]).astype(np.uint8)")
        return
    images, labels = np.asarray(images), np.asarray(labels)
    if images.ndim == 5:
        yield Hint(f"the images have the shape {images.shape}: batches of images. Read single "
                   "images with batch_size=None.", "image_dataset_from_directory(..., "
                   "batch_size=None, shuffle=False)")
        return
    if images.shape != reference.x_test.shape:
        yield Hint(f"the images have the shape {images.shape}; the folder's test split is "
                   f"{reference.x_test.shape}.", "Read root / 'test' with image_size=(32, 32).")
        return
    if images.dtype != np.uint8:
        yield Hint(f"the images are {images.dtype}; make them uint8 to compare with "
                   "load_image_folder's.", ".astype(np.uint8)")
    if not np.array_equal(labels, reference.y_test):
        if np.array_equal(np.sort(labels), np.sort(reference.y_test)):
            yield Hint("the labels are in another order: the files were shuffled.",
                       "Pass shuffle=False.")
        else:
            yield Hint("these are not the test labels.", "Read root / 'test'.")
        return
    if not np.array_equal(images.astype(np.uint8), reference.x_test):
        yield Hint("the images differ from load_image_folder's.",
                   "Read root / 'test' with image_size=(32, 32) and shuffle=False.")


LUMINANCE = np.array([0.299, 0.587, 0.114])


@exercise("02.10", "grayscale and back")
def grayscale_and_back(original, gray, back):
    gray, back = np.asarray(gray), np.asarray(back)
    if gray.shape != original.shape[:2]:
        yield Hint(f"the gray image has the shape {gray.shape}; one value per pixel is "
                   f"{original.shape[:2]}.", "original @ np.array([0.299, 0.587, 0.114])")
        return
    if gray.dtype != np.uint8:
        yield Hint(f"the gray image is {gray.dtype}: round it and make it uint8.",
                   "np.round(...).astype(np.uint8)")
    elif np.abs(gray.astype(int) - original @ LUMINANCE).max() > 1:
        yield Hint("the gray values are not the luminance-weighted sum of the channels.",
                   "original @ np.array([0.299, 0.587, 0.114]), rounded.")
    if back.shape == (3, *gray.shape):
        yield Hint(f"the 3-channel image has the shape {back.shape}: the channels must be the "
                   "last axis.", "np.repeat(gray_image[..., np.newaxis], 3, axis=-1)")
    elif back.shape != original.shape:
        yield Hint(f"the 3-channel image has the shape {back.shape}; it should be "
                   f"{original.shape}.", "np.repeat(gray_image[..., np.newaxis], 3, axis=-1)")
    elif not (np.array_equal(back[..., 0], gray) and np.array_equal(back[..., 2], gray)):
        yield Hint("the three channels should each be a copy of the gray image.",
                   "np.repeat(gray_image[..., np.newaxis], 3, axis=-1)")
