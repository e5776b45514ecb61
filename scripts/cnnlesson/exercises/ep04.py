"""Checkers of episode 04's exercises (see :mod:`cnnlesson.exercises`)."""

from __future__ import annotations

import numpy as np

from . import Hint, exercise, is_keras_model, layers_of, loss_name, wrong_type


def _loss(model) -> str:
    name = loss_name(model)
    if name == "function":  # a loss passed as a plain function, e.g. keras.losses.xxx
        name = getattr(model.loss, "__name__", name)
    return name


@exercise("04.1", "a loss for one-hot labels")
def loss_for_labels(model, labels):
    if not is_keras_model(model):
        yield wrong_type("model", model, "a Keras model",
                   "Pass the model you compiled: model=model_ex1.")
        return
    name = _loss(model)
    if not name:
        yield Hint("your model is not compiled yet, so it has no loss.",
                   "Call model_ex1.compile(optimizer='adam', loss=..., metrics=['accuracy']).",
                   "loss='categorical_crossentropy'")
        return
    labels = np.asarray(labels)
    one_hot = labels.ndim == 2 and labels.shape[-1] > 1
    units = model.output_shape[-1]
    if "binary" in name:
        yield Hint(f"`{name}` is for two classes with one sigmoid output; this model has "
                   f"{units} softmax outputs.", "Use the categorical cross-entropy.",
                   "loss='categorical_crossentropy'")
    elif one_hot and "sparse" in name:
        yield Hint(f"your labels are one-hot but the loss `{name}` expects integers.",
                   "For one-hot labels use the loss without 'sparse'.",
                   "loss='categorical_crossentropy'")
    elif not one_hot and "categorical" in name and "sparse" not in name:
        yield Hint(f"your labels are integers but the loss `{name}` expects one-hot vectors.",
                   "Pass the one-hot labels (labels=y_val_onehot), or use the sparse loss for "
                   "integers.")
    elif "categorical" not in name:
        yield Hint(f"`{name}` is not a cross-entropy for several classes.",
                   "Classification with softmax outputs uses a categorical cross-entropy.",
                   "loss='categorical_crossentropy'")
    elif one_hot and labels.shape[-1] != units:
        yield Hint(f"your labels have {labels.shape[-1]} columns but the model "
                   f"{units} outputs.", "One output per class: Dense(10, 'softmax').")


@exercise("04.2", "Nesterov momentum at a fair step")
def nesterov(optimizer):
    import keras

    if not isinstance(optimizer, keras.optimizers.Optimizer):
        yield wrong_type("optimizer", optimizer, "an optimiser object",
                   "Make one: keras.optimizers.SGD(learning_rate=..., momentum=0.9, "
                   "nesterov=True).")
        return
    if not isinstance(optimizer, keras.optimizers.SGD):
        yield Hint(f"this is {type(optimizer).__name__}; the exercise asks for SGD with "
                   "Nesterov momentum.", "Use keras.optimizers.SGD(...).")
        return
    momentum = float(optimizer.momentum)
    if not np.isclose(momentum, 0.9):
        yield Hint(f"momentum is {momentum:g}; the exercise uses 0.9.", "Pass momentum=0.9.")
        return
    if not optimizer.nesterov:
        yield Hint("Nesterov is off: this is ordinary momentum.", "Pass nesterov=True.")
    lr = float(np.asarray(optimizer.learning_rate))
    step = lr / (1 - momentum)
    if not np.isclose(step, 0.1, rtol=1e-3):
        if np.isclose(lr, 0.1):
            yield Hint("learning rate 0.1 with momentum 0.9 moves like plain SGD at 1.0, ten "
                       "times too far.", "Divide by 1 / (1 - 0.9) = 10.", "learning_rate=0.01")
        else:
            yield Hint(f"its effective step is {lr:g} / (1 - 0.9) = {step:g}; the exercise asks "
                       "for the step of plain SGD at 0.1.",
                       "Solve learning_rate / (1 - 0.9) = 0.1.", "learning_rate=0.01")


@exercise("04.3", "early stopping on the validation accuracy")
def stop_on_accuracy(early_stopping):
    import keras

    if not isinstance(early_stopping, keras.callbacks.EarlyStopping):
        yield Hint(f"`early_stopping` is a {type(early_stopping).__name__}, not an "
                   "EarlyStopping callback.",
                   "keras.callbacks.EarlyStopping(monitor=..., patience=5, "
                   "restore_best_weights=True)")
        return
    monitor = early_stopping.monitor
    if monitor == "accuracy":
        yield Hint("monitor='accuracy' watches the training accuracy, which keeps rising while "
                   "the model overfits.", "Watch the validation images: 'val_accuracy'.")
    elif monitor == "val_loss":
        yield Hint("monitor='val_loss' is what the checkpoint above already does; the exercise "
                   "asks to watch the validation accuracy.", "monitor='val_accuracy'")
    elif monitor != "val_accuracy":
        yield Hint(f"the history has no metric called {monitor!r}; the validation accuracy is "
                   "logged as 'val_accuracy'.", "monitor='val_accuracy'")
    elif getattr(early_stopping, "mode", "auto") == "min":
        yield Hint("mode='min' would treat a falling accuracy as progress.",
                   "Leave mode='auto' (or use mode='max') for an accuracy.")
    if not early_stopping.restore_best_weights:
        yield Hint("without restore_best_weights=True the model keeps the weights of the last "
                   "epoch, `patience` epochs after the best one.",
                   "Pass restore_best_weights=True.")
    if early_stopping.patience != 5:
        yield Hint(f"patience is {early_stopping.patience}; the exercise uses 5, so that one "
                   "noisy epoch does not stop the training.", "Pass patience=5.")


@exercise("04.4", "dropout alone")
def dropout_alone(model):
    if not is_keras_model(model):
        yield wrong_type("model", model, "a Keras model",
                   "Build it with keras.Sequential([...]).")
        return
    dropouts = layers_of(model, "Dropout")
    if not dropouts:
        yield Hint("your model has no Dropout layer.",
                   "Add layers.Dropout(0.5) between Dense(64) and the output layer.")
        return
    if len(dropouts) > 1:
        yield Hint(f"your model has {len(dropouts)} Dropout layers; the exercise asks for one, "
                   "before the output layer.")
    if not np.isclose(dropouts[0].rate, 0.5):
        yield Hint(f"your Dropout rate is {dropouts[0].rate:g}; the exercise asks for 0.5 (half "
                   "of the outputs set to zero).", "layers.Dropout(0.5)")
    others = [type(layer).__name__ for layer in model.layers
              if type(layer).__name__.startswith("Random")
              or type(layer).__name__ == "BatchNormalization"]
    if others:
        yield Hint(f"the exercise asks for dropout alone, but your model also has "
                   f"{', '.join(sorted(set(others)))}.", "Remove those layers.")
    if len(layers_of(model, "Conv2D")) != 2:
        yield Hint("keep the baseline's two convolution layers, so that only dropout changes.")
    if model.layers[-2] is not dropouts[-1]:
        yield Hint("your Dropout is not right before the output layer.",
                   "Put it between Dense(64) and Dense(10).")


@exercise("04.5", "binary cross-entropy by hand")
def binary_crossentropy(loss, probabilities, labels):
    p = np.asarray(probabilities, dtype="float64").ravel()
    y = np.asarray(labels, dtype="float64").ravel()
    loss = float(loss)
    expected = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    if np.isclose(loss, expected, rtol=1e-3, atol=1e-4):
        return
    if np.isclose(loss, -expected, rtol=1e-3):
        yield Hint("your loss is negative: the minus sign in front of the mean is missing.",
                   "Cross-entropy is minus the mean log-probability of the true class.")
    elif np.isclose(loss, -np.mean(np.log(p)), rtol=1e-3):
        yield Hint("you used log p for every image; for a cat (label 0) the probability of "
                   "the true class is 1 − p.", "-mean(y log p + (1 - y) log(1 - p))")
    elif np.isclose(loss, expected / np.log(10), rtol=1e-3):
        yield Hint("you used log base 10; cross-entropy uses the natural logarithm.",
                   "np.log, not np.log10.")
    elif np.isclose(loss, expected * len(p), rtol=1e-3):
        yield Hint("you summed over the images; the loss is the mean.", "np.mean, not np.sum.")
    else:
        yield Hint(f"your loss is {loss:.4f}; the binary cross-entropy of these predictions is "
                   "another number.", "-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))")


@exercise("04.6", "a learning rate for a larger batch")
def scaled_learning_rate(learning_rate):
    lr = float(learning_rate)
    if np.isclose(lr, 0.008):
        return
    if np.isclose(lr, 0.001):
        yield Hint("that is the learning rate of batch 64, unchanged.",
                   "The rule multiplies it by how many times larger the batch is: 512 / 64.")
    elif np.isclose(lr, 0.001 * 64 / 512):
        yield Hint("you divided: a larger batch gives a less noisy gradient and fewer steps, so "
                   "the rule takes larger steps.", "Multiply by 512 / 64 = 8.", "0.008")
    else:
        yield Hint(f"{lr:g} is not 0.001 scaled by the batch size.",
                   "0.001 × (512 / 64)", "0.008")


@exercise("04.7", "the penalty of a whole model")
def model_penalty(model, penalty):
    if not is_keras_model(model):
        yield wrong_type("model", model, "a Keras model",
                   "Build it with make_l2_cnn(0.01).")
        return
    weighted = layers_of(model, "Conv2D") + layers_of(model, "Dense")
    for layer in weighted:
        regularizer = layer.kernel_regularizer
        if regularizer is None:
            yield Hint(f"layer {layer.name} has no weight penalty.",
                       "Give every Conv2D and Dense layer kernel_regularizer=regularizers.l2(...)"
                       "; make_l2_cnn does.")
            return
        config = regularizer.get_config()
        if "l2" not in config or config.get("l1"):
            yield Hint(f"layer {layer.name} has an {type(regularizer).__name__} penalty; the "
                       "exercise asks for L2.", "regularizers.l2(0.01)")
            return
        if not np.isclose(config["l2"], 0.01):
            yield Hint(f"your model's penalty is λ = {config['l2']:g}; the exercise asks for "
                       "0.01.", "make_l2_cnn(0.01)")
            return
    squares = [float(np.sum(np.asarray(layer.kernel) ** 2)) for layer in weighted]
    expected = 0.01 * sum(squares)
    penalty = float(penalty)
    if np.isclose(penalty, expected, rtol=1e-4):
        return
    if np.isclose(penalty, sum(squares), rtol=1e-4):
        yield Hint("you summed the squared weights but did not multiply by λ = 0.01.",
                   "0.01 * sum of squares")
    elif any(np.isclose(penalty, 0.01 * s, rtol=1e-4) for s in squares):
        yield Hint("your penalty is that of one layer; the model's penalty adds all of them "
                   f"({len(weighted)} layers with kernels).",
                   "Loop over every Conv2D and Dense layer and add up.")
    elif np.isclose(penalty, 0.01 * sum(float(np.sum(np.abs(np.asarray(layer.kernel))))
                                         for layer in weighted), rtol=1e-4):
        yield Hint("you summed absolute values (L1); L2 squares the weights.", "kernel ** 2")
    else:
        yield Hint(f"your penalty is {penalty:.4f}; the model's is another number.",
                   "0.01 * sum(np.sum(layer.kernel.numpy() ** 2) for each Conv2D and Dense "
                   "layer); compare with sum(model_ex7.losses).")


@exercise("04.8", "a callback that records the accuracy gap")
def gap_recorder(callback):
    import keras

    if isinstance(callback, type):
        yield Hint("you passed the class; pass an instance of it.", "callback=GapRecorder()")
        return
    if not isinstance(callback, keras.callbacks.Callback):
        yield wrong_type("callback", callback, "a Keras callback",
                   "Write class GapRecorder(keras.callbacks.Callback): ...")
        return
    callback.on_train_begin()
    if not isinstance(getattr(callback, "gaps", None), list):
        yield Hint("after on_train_begin the callback has no list `self.gaps`.",
                   "In on_train_begin: self.gaps = []")
        return
    callback.on_epoch_end(0, {"loss": 1.0, "accuracy": 0.8, "val_loss": 1.2,
                              "val_accuracy": 0.6})
    callback.on_epoch_end(1, {"loss": 0.9, "accuracy": 0.9, "val_loss": 1.3,
                              "val_accuracy": 0.65})
    gaps = list(callback.gaps)
    if len(gaps) != 2:
        yield Hint(f"after two epochs `self.gaps` has {len(gaps)} entries; on_epoch_end should "
                   "append one per epoch.", "self.gaps.append(...) in on_epoch_end")
    elif np.allclose(gaps, [-0.2, -0.25]):
        yield Hint("your gaps are negative: the exercise asks for training minus validation "
                   "accuracy.", 'logs["accuracy"] - logs["val_accuracy"]')
    elif not np.allclose(gaps, [0.2, 0.25]):
        yield Hint(f"for accuracies 0.8 and 0.6 your callback recorded {gaps[0]!r}, not 0.2.",
                   'Append logs["accuracy"] - logs["val_accuracy"].')


SGD_STEP = 0.01  # the learning rate exercise 04.9 asks for


@exercise("04.9", "one SGD step by hand",
          success="Every weight moved by −0.01 × its gradient: that is all one step of plain "
                  "SGD does.")
def sgd_step_by_hand(model, before, images, labels):
    """The learner's model after one step must hold ``before − 0.01 × gradient``, the gradient
    of the sparse categorical cross-entropy on ``images`` and ``labels`` at ``before``."""
    import keras
    import tensorflow as tf

    if not is_keras_model(model):
        yield wrong_type("model", model, "a Keras model", "Pass the model you stepped: "
                         "model=model_ex9.")
        return
    if not isinstance(before, list | tuple) or not all(hasattr(w, "shape") for w in before):
        yield wrong_type("before", before, "a list of weight arrays",
                         "Keep the weights before the step: before_ex9 = model_ex9.get_weights()"
                         ", before the loop.")
        return
    after = model.get_weights()
    if len(before) != len(after) or any(
            b.shape != a.shape for b, a in zip(before, after, strict=True)):
        yield Hint("`before` does not hold the weights of this model (other number or shapes).",
                   "Take before_ex9 = model_ex9.get_weights() from the same model, before the "
                   "step.")
        return
    reference = keras.models.clone_model(model)
    reference.set_weights(before)
    with tf.GradientTape() as tape:
        loss = keras.losses.SparseCategoricalCrossentropy()(
            labels, reference(images, training=True))
    gradients = [g.numpy() for g in tape.gradient(loss, reference.trainable_variables)]
    trainable = {id(v) for v in model.trainable_variables}
    index = [i for i, v in enumerate(model.weights) if id(v) in trainable]
    steps = [after[i].astype("float64") - before[i] for i in index]
    moved = [float(np.abs(s).max()) > 0 for s in steps]
    if not any(moved):
        yield Hint("the weights have not changed: the loop does not step yet.",
                   "Inside the loop, move each variable against its gradient: "
                   "variable.assign_sub(0.01 * gradient).",
                   "for variable, gradient in zip(model_ex9.trainable_variables, gradients_ex9): "
                   "variable.assign_sub(0.01 * gradient)")
        return
    if not all(moved):
        yield Hint(f"only {sum(moved)} of the {len(moved)} weight tensors moved; every weight "
                   "takes a step.",
                   "Put the assign_sub call inside the for loop (indent it), so it runs for "
                   "every variable.")
        return
    flat_step = np.concatenate([s.ravel() for s in steps])
    flat_gradient = np.concatenate([g.ravel() for g in gradients]).astype("float64")
    rate = -float(flat_step @ flat_gradient / (flat_gradient @ flat_gradient))
    if np.allclose(flat_step, -SGD_STEP * flat_gradient, rtol=1e-3, atol=1e-6):
        return
    if np.allclose(flat_step, SGD_STEP * flat_gradient, rtol=1e-3, atol=1e-6):
        yield Hint("you stepped *up* the gradient, so the loss grows.",
                   "Subtract: variable.assign_sub(0.01 * gradient), or "
                   "variable.assign(variable - 0.01 * gradient).")
    elif np.allclose(flat_step, -rate * flat_gradient, rtol=1e-3, atol=1e-6):
        yield Hint(f"your step is {rate:.3g} × the gradient; the exercise asks for a learning "
                   f"rate of {SGD_STEP}.",
                   "Multiply the gradient by 0.01. (If you ran the loop twice on the same model, "
                   "run the whole cell again: it builds a fresh model.)")
    else:
        yield Hint("your weights moved, but not by −0.01 × the gradient of the loss on this "
                   "batch.",
                   "Compute the gradient of loss_fn(labels_ex9, model_ex9(images_ex9)) with "
                   "tf.GradientTape, then variable.assign_sub(0.01 * gradient) for each "
                   "trainable variable.")
