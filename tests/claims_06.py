"""Prose claims of episode 06 (format: tests/test_prose.py)."""

NB = "06_transfer_learning"

CLAIMS = [
    (NB, r"alpha=0\.25` \(a quarter of the filters: ([\d,]+) parameters",
     r"mobilenet_0\.25_224: \d+ layers, ([\d,]+) parameters", ""),
    (NB, r"trained for seconds, the test accuracy is\s+(0\.\d+)",
     r"new head, 40,000 training images: test accuracy (0\.\d+)", ""),
    (NB, r"With 1,000 labelled images the frozen backbone reaches (0\.\d+)",
     r" 1,000 images: transfer (0\.\d+)", ""),
    (NB, r"small CNN from scratch\s+(0\.\d+): [\d.]+x as accurate",
     r" 1,000 images: transfer 0\.\d+ +from scratch (0\.\d+)", ""),
    (NB, r"from scratch\s+0\.\d+: ([\d.]+)x as accurate",
     r"reaches ([\d.]+)x the from-scratch", ""),
    (NB, r"lifts the test accuracy from (0\.\d+)",
     r"new head, 40,000 training images: test accuracy (0\.\d+)", ""),
    (NB, r"lifts the test accuracy from 0\.\d+ to (0\.\d+)",
     r"Fine-tuned MobileNet test accuracy: (0\.\d+)", ""),
    (NB, r"trained from scratch in episode 05 \((0\.\d+)\)",
     r"Episode 05's fast CNN, trained from scratch: (0\.\d+)", ""),
    (NB, r"in our\s+run (0\.\d+) against", r"32x32 input: test accuracy (0\.\d+)", ""),
    (NB, r"against (0\.\d+) at 96x96", r"96x96 input: test accuracy (0\.\d+)", ""),
]
CLAIMS += [
    (NB, r"average (0\.\d+) away from the actual", r"ImageNet backbone (0\.\d+), fine-tuned", ""),
    (NB, r"moved to within (0\.\d+) of the actual",
     r"ImageNet backbone 0\.\d+, fine-tuned (0\.\d+)", ""),
    (NB, r"episode 01's CNN, trained from scratch on the same images for a minute\s+\((0\.\d+)",
     r"40,000 images: transfer 0\.\d+ +from scratch (0\.\d+)", ""),
]
