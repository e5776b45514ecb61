"""Prose claims of episode 07 (format: tests/test_prose.py)."""

NB = "07_share_deploy_and_scale"

CLAIMS = [
    (NB, r"reaches a test accuracy of (0\.\d+) on the 10,000",
     r"Test accuracy of 05_fast_cnn: (0\.\d+)", ""),
    (NB, r"in our run by up to\s+(0\.\d+) in probability",
     r"same images, two calls: largest difference (0\.\d+)", ""),
    (NB, r"and ([\d.]+)% of the predicted classes differed",
     r"predictions that differ from the original: ([\d.]+)%", ""),
    (NB, r"the logs hold (\d+) epochs", r"Logged epochs: (\d+)", ""),
    (NB, r"best validation accuracy, (0\.\d+), came", r"best validation accuracy (0\.\d+)", ""),
    (NB, r"came at epoch\s+(\d+)", r"best validation accuracy 0\.\d+ at epoch (\d+)", ""),
    (NB, r"test MSE is ([\d.]+) times lower", r"\(([\d.]+) times lower\)", ""),
    (NB, r"times lower than the noisy input's \((0\.\d+)\s+instead",
     r"of the denoised output: (0\.\d+)", ""),
    (NB, r"instead of (0\.\d+)\), after", r"Test MSE of the noisy input: (0\.\d+)", ""),
    (NB, r"after (\d+) s of training", r"Autoencoder training took (\d+) s", ""),
    (NB, r"usual \(test accuracy (0\.\d+) after",
     r"Test accuracy of the mirrored intro CNN: (0\.\d+)", ""),
    (NB, r"after (\d+) epochs on [\d,]+ images", r"dist_epochs=(\d+)", ""),
    (NB, r"epochs on ([\d,]+) images\)", r"train_images=(\d[\d,]*\d)", ""),
]
