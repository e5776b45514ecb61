"""Prose claims of episode 04 (format: tests/test_prose.py)."""

NB = "04_compile_and_fit"

CLAIMS = [
    # sizes of the subsets
    (NB, r"CIFAR-10 \(([\d,]+) training and", r"train_images=([\d,]+)", ""),
    (NB, r"training and ([\d,]+) validation images\)", r"val_images=([\d,]+)", ""),
    (NB, r"an epoch has (\d+) steps", r"batches per epoch: (\d+)", ""),
    (NB, r"of the ([\d,]+) test images, against", r"cat/dog train: .*? test: (\d+) ", ""),
    (NB, r"with only (\d+) updates per epoch", r"batch size 512: +(\d+) steps per epoch", ""),
    # binary cross-entropy, cats vs dogs
    (NB, r"cats from dogs correctly in (0\.\d+) of the",
     r"Cat vs dog test accuracy: (0\.\d+)", ""),
    # optimisers
    (NB, r"plain SGD lowered the training loss slowest \((\d\.\d+) after",
     r"SGD +training loss (\d\.\d+)", ""),
    (NB, r"momentum helped a lot \((\d\.\d+)\)", r"SGD \+ momentum +training loss (\d\.\d+)", ""),
    (NB, r"Adam went lowest \((\d\.\d+)\)", r"Adam +training loss (\d\.\d+)", ""),
    # learning rates
    (NB, r"after 8 epochs it is still (\d\.\d+)",
     r"learning rate 1e-05 +training loss (\d\.\d+)", ""),
    (NB, r"the loss ends at (\d\.\d+)", r"learning rate 0\.03 +training loss (\d\.\d+)", ""),
    (NB, r"validation accuracy at (0\.\d+): the steps",
     r"learning rate 0\.03 .*val_accuracy (0\.\d+)", ""),
    # batch sizes
    (NB, r"batch 16 took ([\d.]+) seconds", r"batch size +16: .*?, +([\d.]+) s,", ""),
    (NB, r"validation accuracy of (0\.\d+); batch 512",
     r"batch size +16: .*val_accuracy (0\.\d+)", ""),
    (NB, r"batch 512 took ([\d.]+) seconds", r"batch size 512: .*?, +([\d.]+) s,", ""),
    (NB, r"reached (0\.\d+) in the same 8 epochs", r"batch size 512: .*val_accuracy (0\.\d+)", ""),
    # the overfitting baseline
    (NB, r"validation loss was lowest \((\d\.\d+)\) at epoch",
     r"lowest validation loss (\d\.\d+) at epoch", ""),
    (NB, r"validation loss was lowest \([\d.]+\) at epoch (\d+)",
     r"lowest validation loss [\d.]+ at epoch (\d+)", ""),
    (NB, r"rose to (\d\.\d+) by epoch 30", r"at epoch 30: (\d\.\d+)", ""),
    (NB, r"training accuracy climbed to (0\.\d+)", r"final training accuracy (0\.\d+)", ""),
    (NB, r"validation accuracy stayed at (0\.\d+)",
     r"final training accuracy [\d.]+, validation accuracy (0\.\d+)", ""),
    (NB, r"After epoch (\d+) the model got better",
     r"lowest validation loss [\d.]+ at epoch (\d+)", ""),
    (NB, r"validation loss turns up after epoch (\d+)",
     r"lowest validation loss [\d.]+ at epoch (\d+)", ""),
    # the regularised model
    (NB, r"training used all (\d+) epochs", r"trained for (\d+) epochs in", ""),
    (NB, r"put back the weights of epoch (\d+)", r"best epoch (\d+): val_loss", ""),
    (NB, r"the lowest validation loss \((\d\.\d+)\)", r"best epoch \d+: val_loss (\d\.\d+)", ""),
    (NB, r"regularised model reached a test accuracy of (0\.\d+)",
     r"Regularised test accuracy: (0\.\d+)", ""),
    (NB, r"against (0\.\d+) for the overfitting baseline", r"Baseline test accuracy: (0\.\d+)",
     ""),
]
