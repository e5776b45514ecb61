"""Prose claims of episode 02 (format: see tests/test_prose.py)."""

NB = "02_image_data"

CLAIMS = [
    (NB, r"only larger: (\d+) rows of \d+ pixels", r"photo: \((\d+), \d+, 3\) uint8", ""),
    (NB, r"only larger: \d+ rows of (\d+) pixels", r"photo: \(\d+, (\d+), 3\) uint8", ""),
    (NB, r"disagree by at most (0\.\d+) on a scale", r"largest difference: (0\.\d+)", ""),
    (NB, r"takes ([\d,.]+) MB instead of", r"float64: +([\d,.]+) MB", ""),
    (NB, r"MB instead of ([\d,.]+) MB", r"uint8: +([\d,.]+) MB", ""),
    (NB, r"perfectly balanced: ([\d,]+) training", r"\nairplane +([\d,]+) ", ""),
    (NB, r"training, ([\d,]+) validation and", r"\nairplane +[\d,]+ +([\d,]+) ", ""),
    (NB, r"validation and ([\d,]+) test images per class",
     r"\nairplane +[\d,]+ +[\d,]+ +([\d,]+)", ""),
    (NB, r"predictions scored (0\.\d+) against the shuffled labels",
     r"accuracy against shuffled labels: +(0\.\d+)", ""),
    (NB, r"prefetching made a pass (\d+\.\d+) times as fast",
     r"prefetch makes one pass (\d+\.\d+) times as fast", ""),
]
