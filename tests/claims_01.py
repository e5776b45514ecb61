"""Prose claims of episode 01: (notebook, pattern in the prose, id of the code cell whose
output prints the number, pattern in that cell's output (the last match counts), unit)."""

NB = "01_introduction"
FIT = "3b304e96"  # model.fit
EPOCH_1 = r"Epoch 1/\d+\s+\d+/\d+ - [^\n]*?"  # the first epoch's progress line, up to a metric

CLAIMS = [
    # set-up and data
    (NB, r"make ([\d,]+) / 64 = \d+ steps", "428c137e", r"train_images=([\d,]+)", ""),
    (NB, r"A small CNN of [\d,]+ parameters, trained for (\d+) epochs", "428c137e",
     r"epochs=(\d+)", ""),
    (NB, r"after (\d+) epochs training accuracy", "428c137e", r"epochs=(\d+)", ""),
    (NB, r"keep back a \*validation\* set of ([\d,]+) training", "6870de3e",
     r"validation: \((\d+),", ""),
    (NB, r"so the ([\d,]+) training images take", "eae75607",
     r"training images: \((\d+), 32, 32, 3\)", ""),
    # the model
    (NB, r"16 × \(27 \+ 1\) = (\d+) parameters", "34d1c973",
     r"conv2d \(Conv2D\)\s*│[^│]*│\s*([\d,]+)", ""),
    (NB, r"A small CNN of ([\d,]+) parameters", "34d1c973", r"Total params: ([\d,]+)", ""),
    (NB, r"nearly all of the model's ([\d,]+) parameters", "34d1c973",
     r"Total params: ([\d,]+)", ""),
    # training
    (NB, r"This takes about (\d+) seconds", FIT, r"training took (\d+) s", ""),
    (NB, r"= (\d+) steps;", FIT, r"(\d+)/\d+ - \d+s", ""),
    (NB, r"In epoch 1 validation accuracy \((0\.\d+)\)", FIT, EPOCH_1 + r"val_accuracy: (0\.\d+)",
     ""),
    (NB, r"beats training accuracy \((0\.\d+)\)", FIT, EPOCH_1 + r" accuracy: (0\.\d+)", ""),
    (NB, r"after \d+ epochs training accuracy \((0\.\d+)\)", FIT,
     r" accuracy: (0\.\d+) - loss: [\d.]+ - val_accuracy", ""),
    (NB, r"ahead of validation accuracy \((0\.\d+)\)", FIT, r"val_accuracy: (0\.\d+)", ""),
    (NB, r"hardly moved since epoch 7 \((0\.\d+)\)", FIT,
     r"Epoch 7/\d+\s+\d+/\d+ - [^\n]*?val_accuracy: (0\.\d+)", ""),
    # test accuracy and its spread
    (NB, r"In our run the test accuracy is (0\.\d+)", "d64c4f17", r"Test accuracy: (0\.\d+)", ""),
    (NB, r"classifies about (\d+)% of the 10,000", "d64c4f17", r"Test accuracy: (0\.\d+)", "%"),
    (NB, r"classifies about (\d+)% of CIFAR-10", "d64c4f17", r"Test accuracy: (0\.\d+)", "%"),
    (NB, r"test accuracies from (0\.\d+) to", "seed-spread-print",
     r"Range over \d+ seeds: (0\.\d+) to", ""),
    (NB, r"test accuracies from 0\.\d+ to (0\.\d+)", "seed-spread-print",
     r"Range over \d+ seeds: 0\.\d+ to (0\.\d+)", ""),
    # answers of the exercises
    (NB, r"32 × 32 × 3 = ([\d,]+) numbers per image", "ex-01-3-solution",
     r"([\d,]+) numbers per image", ""),
    (NB, r"training images take ([\d.]+) MB", "ex-01-3-solution",
     r"all training images: ([\d.,]+) MB", ""),
    (NB, r"= ([\d,]+) for the second `Conv2D`", "ex-01-5-solution",
     r"second Conv2D: ([\d,]+)", ""),
    (NB, r"= ([\d,]+) for the first `Dense` layer", "ex-01-5-solution",
     r"first Dense: ([\d,]+)", ""),
    (NB, r"40,000 / 32 = ([\d,]+) steps", "ex-01-7-solution", r"batch size 32: (\d+) steps", ""),
    (NB, r"images, so (\d+) steps", "ex-01-7-solution", r"batch size 96: (\d+) steps", ""),
    (NB, r"In our run (\d+) of the 16 are right", "ex-01-8-solution", r"correct: (\d+) of 16", ""),
    (NB, r"the test accuracy is (0\.\d+) instead of", "ex-01-9-solution",
     r"5,000 training images: (0\.\d+)", ""),
    (NB, r"instead of (0\.\d+), a gap", "d64c4f17", r"Test accuracy: (0\.\d+)", ""),
]
