"""Prose claims of episode 03 (format: see tests/test_prose.py)."""

NB = "03_build_a_cnn"

CLAIMS = [
    (NB, r"The dense-only network has ([\d,]+) parameters",
     r"dense-only network: ([\d,]+) parameters", ""),
    (NB, r"about five times the CNN's ([\d,]+)", r"\nCNN: ([\d,]+) parameters", ""),
    (NB, r"would need ([\d,]+) for 224 × 224 images",
     r"Dense\(128\) on a 224 x 224 x 3 image: +([\d,]+)", ""),
    (NB, r"and only ([\d,]+) training images, a network", r"train_images=([\d,]+)", ""),
    (NB, r"Train it briefly: (\d+) epochs", r"epochs=(\d+)", ""),
    (NB, r"epochs on the ([\d,]+) training images", r"train_images=([\d,]+)", ""),
    (NB, r"This takes about (\d+) seconds", r"training took (\d+) s", ""),
    (NB, r"the deeper CNN reached a test accuracy of (0\.\d+)",
     r"Deeper CNN test accuracy: (0\.\d+)", ""),
    (NB, r"test accuracy of 0\.\d+ after (\d+) epochs", r"epochs=(\d+)", ""),
    (NB, r"smaller CNN reached (0\.\d+) after", r"Episode 01's CNN \(\d+ epochs\): (0\.\d+)", ""),
    (NB, r"smaller CNN reached 0\.\d+ after (\d+)\.", r"Episode 01's CNN \((\d+) epochs\)", ""),
    (NB, r"The (\d+) maps of the first convolution",
     r"first convolution: \(\d+, \d+, (\d+)\)", ""),
    (NB, r"The formulas give ([\d,]+) and", r"VGG16: ([\d,]+) parameters", ""),
    (NB, r"and ([\d,]+) parameters for VGG16 and VGG19", r"VGG19: ([\d,]+) parameters", ""),
    (NB, r"and ([\d,]+) for AlexNet", r"AlexNet: ([\d,]+) parameters", ""),
    (NB, r"The CNN above has ([\d,]+)\.", r"Total params: ([\d,]+)", ""),
    (NB, r"\(([\d,]+) instead of [\d,]+ here\)", r"\nCNN: ([\d,]+) parameters", ""),
    (NB, r"\([\d,]+ instead of ([\d,]+) here\)", r"dense-only network: ([\d,]+) parameters", ""),
]
