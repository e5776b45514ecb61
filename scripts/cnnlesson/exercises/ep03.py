"""Checkers of episode 03's exercises (see :mod:`cnnlesson.exercises`)."""

from __future__ import annotations

import numpy as np

from . import Hint, exercise, is_keras_model, layers_of, wrong_type


def _relu(z):
    return np.maximum(z, 0)


@exercise("03.1", "a Keras layer by hand", success="NumPy and Keras compute the same layer.")
def dense_by_hand(layer, inputs, output):
    weights = layer.get_weights()
    if len(weights) != 2:
        yield Hint("`layer` should be the Dense layer of the exercise, with a kernel and a bias.",
                   "Pass layer=layer_ex1.")
        return
    kernel, bias = (np.asarray(w, dtype="float64") for w in weights)
    x = np.asarray(inputs, dtype="float64").reshape(-1)
    expected = np.asarray(layer(np.asarray(inputs, dtype="float32").reshape(1, -1)))[0]
    answer = np.asarray(output, dtype="float64")
    if answer.shape != expected.shape:
        yield Hint(f"your output has shape {answer.shape}; the layer has {kernel.shape[1]} units, "
                   f"so its output has shape {expected.shape}.",
                   "Multiply the inputs by the kernel: `x @ kernel` has one value per unit.",
                   "relu(x @ kernel + bias)")
        return
    if np.allclose(answer, expected, rtol=1e-4, atol=1e-4):
        return
    z = x @ kernel
    if np.allclose(answer, z + bias, rtol=1e-4, atol=1e-4):
        yield Hint("your output has negative values, but the layer's ReLU sets them to 0.",
                   "Apply relu() to the weighted sum plus bias.", "relu(x @ kernel + bias)")
    elif np.allclose(answer, _relu(z), rtol=1e-4, atol=1e-4):
        yield Hint("the bias is missing: every unit adds its bias before the activation.",
                   "Add `bias` to `x @ kernel` before the ReLU.", "relu(x @ kernel + bias)")
    elif np.allclose(answer, _relu(z) + bias, rtol=1e-4, atol=1e-4):
        yield Hint("you added the bias after the ReLU; the layer adds it before.",
                   "Put the bias inside: relu(x @ kernel + bias).", "relu(x @ kernel + bias)")
    else:
        yield Hint(f"your output differs from the layer's (largest difference "
                   f"{np.abs(answer - expected).max():.3g}).",
                   "Use the layer's own kernel and bias (layer_ex1.get_weights()) and the "
                   "image `x` scaled to [0, 1].", "relu(x @ kernel + bias)")


def _correlate(image, kernel):
    k = kernel.shape[0]
    rows, cols = image.shape[0] - k + 1, image.shape[1] - k + 1
    return np.array([[np.sum(image[i:i + k, j:j + k] * kernel) for j in range(cols)]
                     for i in range(rows)])


@exercise("03.2", "a horizontal-edge kernel",
          success="It responds to bright-above-dark edges and ignores flat areas.")
def horizontal_edges(kernel):
    kernel = np.asarray(kernel, dtype="float64")
    if kernel.shape != (3, 3):
        yield Hint(f"your kernel has shape {kernel.shape}; the exercise asks for 3 × 3.",
                   "Write three rows of three numbers: np.array([[...], [...], [...]]).")
        return
    if abs(kernel.sum()) > 1e-6:
        yield Hint(f"your kernel responds to flat areas: on a uniformly bright patch it gives "
                   f"{kernel.sum():g}, not 0.",
                   "Make its weights sum to 0, e.g. the negative weights mirror the positive ones.",
                   "[[1, 2, 1], [0, 0, 0], [-1, -2, -1]]")
        return
    top_bright = np.zeros((8, 8))
    top_bright[:4] = 1
    left_bright = top_bright.T
    horizontal = _correlate(top_bright, kernel)[2, 3]
    vertical = _correlate(left_bright, kernel)[3, 2]
    if abs(horizontal) < 1e-6 or abs(vertical) > abs(horizontal):
        yield Hint("your kernel does not respond to a horizontal edge (it looks for vertical "
                   "ones, or none).",
                   "Put the positive weights in the top row and the negative ones in the bottom "
                   "row, not in the columns.", "[[1, 2, 1], [0, 0, 0], [-1, -2, -1]]")
    elif horizontal < 0:
        yield Hint("your kernel gives negative values where the top is bright and the bottom "
                   "dark: it detects the opposite edge.",
                   "Swap the signs: positive weights on top, negative at the bottom.",
                   "[[1, 2, 1], [0, 0, 0], [-1, -2, -1]]")


@exercise("03.3", "an output shape")
def output_shape(shape):
    try:
        shape = tuple(int(s) for s in shape)
    except TypeError:
        shape = ()
    if len(shape) != 3:
        yield Hint(f"give the shape as three numbers (height, width, channels); you gave "
                   f"{shape!r}.", "For example (5, 5, 8).")
        return
    height, width, channels = shape
    if channels != 10:
        yield Hint(f"your shape has {channels} channels; after a Conv2D there is one channel "
                   "per filter, and pooling keeps them.", "Conv2D(10, ...) has 10 filters.")
    elif height != width:
        yield Hint("height and width should be equal: the image is square and both use the "
                   "same kernel, stride and pooling.")
    elif height == 14:
        yield Hint("14 × 14 is the size after the convolution; MaxPooling2D(2) halves it "
                   "(and if you left out the stride, apply the stride 2 as well).",
                   "Halve the convolution's output size: 14 // 2.", "(7, 7, 10)")
    elif height == 6:
        yield Hint("the +1 of the formula is missing: (32 - 5) // 2 + 1 = 14, before pooling.",
                   "out = (n + 2p - k) // s + 1.", "(7, 7, 10)")
    elif height == 8:
        yield Hint("the padding is 'valid', which adds no zeros: p = 0, so the convolution "
                   "shrinks the image.", "output_size(32, k=5, s=2, p=0)", "(7, 7, 10)")
    elif height == 28:
        yield Hint("28 is the convolution's output at stride 1; this one has stride 2, and "
                   "pooling halves again.", "output_size(32, k=5, s=2, p=0) // 2", "(7, 7, 10)")
    elif height != 7:
        yield Hint(f"{height} × {height} is not what the formula gives.",
                   "After the convolution: (32 + 2·0 − 5) // 2 + 1; then pooling halves it.",
                   "(7, 7, 10)")


@exercise("03.4", "parameters of two layers")
def layer_parameters(conv, dense):
    conv, dense = int(conv), int(dense)
    if conv != 18_496:
        if conv == 18_432:
            yield Hint("your convolution count leaves out the biases: one per filter.",
                       "filters × (k × k × channels + 1)", "64 × (3 × 3 × 32 + 1) = 18,496")
        elif conv == 640:
            yield Hint("each filter spans all 32 input maps, not one: its kernel has "
                       "3 × 3 × 32 weights.", "conv_params(3, 32, 64)",
                       "64 × (3 × 3 × 32 + 1) = 18,496")
        else:
            yield Hint(f"{conv:,} is not the number of parameters of the convolution.",
                       "filters × (k × k × channels + 1), with k = 3, 32 channels, 64 filters.",
                       "64 × (3 × 3 × 32 + 1) = 18,496")
    if dense != 10_250:
        if dense == 10_240:
            yield Hint("your dense count leaves out the biases: one per unit.",
                       "units × (inputs + 1)", "10 × (1,024 + 1) = 10,250")
        elif dense == 650:
            yield Hint("the Dense layer sees all 4 × 4 × 64 = 1,024 flattened values, not 64.",
                       "dense_params(4 * 4 * 64, 10)", "10 × (1,024 + 1) = 10,250")
        else:
            yield Hint(f"{dense:,} is not the number of parameters of the dense layer.",
                       "units × (inputs + 1), with 4 × 4 × 64 inputs and 10 units.",
                       "10 × (1,024 + 1) = 10,250")


def _block_problems(model, blocks: int = 4):
    """Hints for a CNN of ``blocks`` convolution blocks that double their filters."""
    if not is_keras_model(model):
        yield wrong_type("model", model, "a Keras model",
                   "Build it with keras.Sequential([...]) or keras.Model(inputs, outputs).")
        return
    convs = layers_of(model, "Conv2D")
    pools = layers_of(model, "MaxPooling2D")
    if len(convs) != blocks:
        yield Hint(f"your model has {len(convs)} convolution layer(s); the exercise asks for "
                   f"{blocks} (the three blocks of `deeper` plus one).",
                   "Add a Conv2D + MaxPooling2D pair after the third block.",
                   "layers.Conv2D(256, 3, padding='same', activation='relu'), "
                   "layers.MaxPooling2D(2)")
        return
    if len(pools) != blocks:
        yield Hint(f"your model has {len(pools)} pooling layer(s); every block ends with "
                   f"MaxPooling2D(2), so {blocks}.", "Add layers.MaxPooling2D(2) after the new "
                   "Conv2D.")
        return
    filters = [layer.filters for layer in convs]
    expected = [32 * 2**i for i in range(blocks)]
    if filters != expected:
        yield Hint(f"your blocks have {filters} filters; they double from block to block: "
                   f"{expected}.", f"Give the new block {expected[-1]} filters.")
    for i, layer in enumerate(convs, start=1):
        if layer.padding != "same":
            yield Hint(f"block {i} uses padding='{layer.padding}'; the blocks use "
                       "padding='same', so that only pooling shrinks the maps.",
                       "Add padding='same' to the Conv2D.")
            break
    last = model.layers[-1]
    if type(last).__name__ != "Dense" or last.units != 10:
        yield Hint("the last layer should be Dense(10, activation='softmax'), one unit per "
                   "class.", "Keep the output layer of `deeper`.")


@exercise("03.5", "a fourth convolution block",
          success="Compare its test accuracy with the three-block model's.")
def fourth_block(model, history):
    yield from _block_problems(model)
    logs = getattr(history, "history", history)
    if not isinstance(logs, dict) or not logs.get("loss"):
        yield Hint("`history` is not the record of a training: train the model.",
                   "history_ex5 = model_ex5.fit(...) returns it (compile the model first).")
    elif "val_accuracy" not in logs:
        yield Hint("the training has no validation scores.",
                   "Pass validation_data=(x_val, y_val) to fit, as for `deeper`.")


@exercise("03.6", "four blocks with the functional API")
def functional_blocks(model):
    import keras

    if isinstance(model, keras.Sequential):
        yield Hint("this is a Sequential model; the exercise asks for the functional API.",
                   "Start from inputs = keras.Input(...), call each layer on the output of the "
                   "one before, and end with keras.Model(inputs, outputs).")
        return
    yield from _block_problems(model)


@exercise("03.7", "the strongest feature map")
def strongest_map(maps, index):
    maps = np.asarray(maps)
    means = maps.mean(axis=(0, 1))
    index = int(index)
    if not 0 <= index < len(means):
        yield Hint(f"index {index} is not a map: there are {len(means)} maps (0 to "
                   f"{len(means) - 1}). Did you average over the wrong axes?",
                   "maps has shape (height, width, maps): average over axis=(0, 1).",
                   "int(maps.mean(axis=(0, 1)).argmax())")
    elif index != int(means.argmax()):
        if index == int(maps.max(axis=(0, 1)).argmax()):
            yield Hint(f"map {index} has the largest single value, not the largest mean.",
                       "Average each map over height and width before argmax.",
                       "int(maps.mean(axis=(0, 1)).argmax())")
        else:
            yield Hint(f"map {index} has mean {means[index]:.3f}; another map has a larger one.",
                       "np.argmax of maps.mean(axis=(0, 1)).",
                       "int(maps.mean(axis=(0, 1)).argmax())")


def _vgg_params(convolutions_per_block):
    total, channels = 0, 3
    for n, filters in zip(convolutions_per_block, [64, 128, 256, 512, 512], strict=True):
        for _ in range(n):
            total, channels = total + filters * (9 * channels + 1), filters
    return total + 4096 * (7 * 7 * 512 + 1) + 4096 * (4096 + 1) + 1000 * (4096 + 1)


@exercise("03.8", "parameters of VGG11", success="Table 2 of the paper says 133 million.")
def vgg11(params):
    params = int(params)
    known = {_vgg_params([2, 2, 3, 3, 3]): "VGG16 (configuration D)",
             _vgg_params([2, 2, 4, 4, 4]): "VGG19 (configuration E)"}
    if params in known:
        yield Hint(f"{params:,} is the count of {known[params]}.",
                   "Configuration A has 1, 1, 2, 2 and 2 convolutions in its five blocks.",
                   "vgg_params([1, 1, 2, 2, 2])")
    elif params != _vgg_params([1, 1, 2, 2, 2]):
        yield Hint(f"{params:,} is not VGG11's count.",
                   "Pass the convolutions per block to vgg_params: one in each of the first "
                   "two blocks, two in each of the last three.", "vgg_params([1, 1, 2, 2, 2])")


def _branch_layers(model, tensor) -> list:
    """The layers between the inputs of functional ``model`` and ``tensor`` (one of its
    intermediate outputs), input layers left out."""
    import keras

    path = keras.Model(model.inputs, tensor)
    return [layer for layer in path.layers if type(layer).__name__ != "InputLayer"]


PROJECTION_ANSWER = ("shortcut = layers.Conv2D(32, 1)(block_input); "
                     "layers.Activation('relu')(layers.Add()([shortcut, h]))")


@exercise("03.9", "a residual block with a projection shortcut",
          success="The 1 × 1 convolution lets the shortcut match the 32 channels.")
def projection_block(model):
    if not is_keras_model(model):
        yield wrong_type("model", model, "a Keras model",
                         "End with keras.Model(block_input, outputs).")
        return
    if tuple(model.inputs[0].shape[1:]) != (16, 16, 16):
        yield Hint(f"your block takes inputs of shape {tuple(model.inputs[0].shape[1:])}; the "
                   "exercise's block sees 16 × 16 × 16 feature maps.",
                   "block_input = keras.Input(shape=(16, 16, 16))")
        return
    adds = layers_of(model, "Add")
    if not adds:
        yield Hint("your block has no skip connection: nothing adds the block's input to the "
                   "output of its convolutions.",
                   "Make the shortcut from block_input with a 1 × 1 Conv2D of 32 filters, then "
                   "add it to h with layers.Add()([shortcut, h]).", PROJECTION_ANSWER)
        return
    if tuple(model.outputs[0].shape[1:]) != (16, 16, 32):
        yield Hint(f"your block outputs {tuple(model.outputs[0].shape[1:])}; it should change "
                   "16 channels into 32 and keep the 16 × 16 size.",
                   "Both convolutions and the projection have 32 filters and padding='same' "
                   "(a 1 × 1 kernel keeps the size anyway).", PROJECTION_ANSWER)
        return
    branches = sorted((_branch_layers(model, t) for t in adds[0].input), key=len)
    shortcut, main = branches[0], branches[-1]
    shortcut_convs = [layer for layer in shortcut if type(layer).__name__ == "Conv2D"]
    if len(shortcut) != 1 or len(shortcut_convs) != 1:
        yield Hint("the shortcut should skip both 3 × 3 convolutions: it starts at the block's "
                   "input and goes through nothing but one 1 × 1 convolution.",
                   "Apply the 1 × 1 Conv2D to block_input, not to h.", PROJECTION_ANSWER)
    elif tuple(shortcut_convs[0].kernel_size) != (1, 1):
        yield Hint(f"your shortcut uses a {shortcut_convs[0].kernel_size[0]} × "
                   f"{shortcut_convs[0].kernel_size[1]} convolution; a 1 × 1 convolution is "
                   "enough to change the number of channels, with far fewer weights.",
                   "layers.Conv2D(32, 1) on block_input.", PROJECTION_ANSWER)
    elif len([layer for layer in main if type(layer).__name__ == "Conv2D"]) != 2:
        yield Hint("the main path should keep the two 3 × 3 convolutions of the block.",
                   "h = Conv2D(32, 3, padding='same', activation='relu'), then "
                   "Conv2D(32, 3, padding='same'), both starting from block_input.",
                   PROJECTION_ANSWER)


@exercise("03.10", "digits only the CNN reads")
def fixed_by_cnn(labels, perceptron, cnn, fixed):
    labels = np.asarray(labels).ravel()
    predictions = {"perceptron": np.asarray(perceptron), "cnn": np.asarray(cnn)}
    for name, predicted in predictions.items():
        if predicted.ndim == 2:
            yield Hint(f"`{name}` holds probabilities (one row of 10 per digit); compare classes "
                       "with the labels.", "Take the most probable class: .argmax(axis=1).")
            return
        if predicted.shape != labels.shape:
            yield Hint(f"`{name}` has {predicted.size} predictions for {labels.size} test digits.",
                       "Predict all of xd_test: model.predict(xd_test).argmax(axis=1).")
            return
    wrong_p = predictions["perceptron"] != labels
    right_c = predictions["cnn"] == labels
    expected = wrong_p & right_c
    answer = np.asarray(fixed)
    if answer.ndim == 0:
        yield Hint("`fixed` is one number; the exercise asks for one True/False per test digit, "
                   "so that you can show those digits.",
                   "Compare arrays: (perceptron predictions != yd_test) & (cnn predictions == "
                   "yd_test); count the True values with .sum().")
        return
    if answer.shape != labels.shape or answer.dtype != bool:
        yield Hint(f"`fixed` should be {labels.size} True/False values, one per test digit; yours "
                   f"has shape {answer.shape} and type {answer.dtype}.",
                   "Comparisons like `predicted != yd_test` give such an array.")
        return
    if np.array_equal(answer, expected):
        return
    solution = "(predicted['perceptron'] != yd_test) & (predicted['cnn'] == yd_test)"
    if np.array_equal(answer, wrong_p):
        yield Hint("these are all the perceptron's mistakes, including digits the CNN gets "
                   "wrong as well.",
                   "Keep only those the CNN gets right: add `& (cnn == labels)`.",
                   solution)
    elif np.array_equal(answer, right_c):
        yield Hint("these are all the digits the CNN gets right, including those the "
                   "perceptron gets right as well.", "Keep only those the perceptron gets wrong.",
                   solution)
    elif np.array_equal(answer, (~wrong_p) & (~right_c)):
        yield Hint("these are the opposite case: digits the perceptron gets right and the CNN "
                   "wrong.", "Swap == and !=.", solution)
    elif np.array_equal(answer, predictions["perceptron"] != predictions["cnn"]):
        yield Hint("these are the digits where the two models disagree; that includes digits "
                   "both get wrong (differently) and digits only the CNN gets wrong.",
                   "Compare each model with the labels, not with each other.", solution)
    else:
        yield Hint(f"your mask marks {int(answer.sum())} of the test digits; {int(expected.sum())} "
                   "digits are wrong for the perceptron and right for the CNN.",
                   "Combine the two comparisons with `&`.", solution)
