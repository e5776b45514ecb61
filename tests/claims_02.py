"""Prose claims of episode 02: (notebook, pattern in the prose, id of the code cell whose
output prints the number, pattern in that cell's output (the last match counts), unit)."""

NB = "02_image_data"

CLAIMS = [
    (NB, r"only larger: (\d+) rows of \d+ pixels", "adce6f0f", r"photo: \((\d+), \d+, 3\) uint8",
     ""),
    (NB, r"only larger: \d+ rows of (\d+) pixels", "adce6f0f", r"photo: \(\d+, (\d+), 3\) uint8",
     ""),
    (NB, r"disagree by at most (0\.\d+) on a scale", "cc426442", r"largest difference: (0\.\d+)",
     ""),
    (NB, r"takes ([\d,.]+) MB instead of", "84b3ed0c", r"float64: +([\d,.]+) MB", ""),
    (NB, r"MB instead of ([\d,.]+) MB", "84b3ed0c", r"uint8: +([\d,.]+) MB", ""),
    (NB, r"perfectly balanced: ([\d,]+) training", "5c63495e", r"\nairplane +([\d,]+) ", ""),
    (NB, r"training, ([\d,]+) validation and", "5c63495e", r"\nairplane +[\d,]+ +([\d,]+) ", ""),
    (NB, r"validation and ([\d,]+) test images per class", "5c63495e",
     r"\nairplane +[\d,]+ +[\d,]+ +([\d,]+)", ""),
    (NB, r"the perfect model scores (\d\.\d+)\. Against", "c5d18332",
     r"shuffled with the images: (\d\.\d+)", ""),
    (NB, r"old order it scores (0\.\d+), chance level", "c5d18332",
     r"left in the old order: +(0\.\d+)", ""),
    (NB, r"prefetching made a pass (\d+\.\d+) times as fast", "1f24d315",
     r"prefetch makes one pass (\d+\.\d+) times as fast", ""),
    # answers of the exercises
    (NB, r"in our run by ([\d.]+) on average", "ex-02-2-solution",
     r"mean difference: ([\d.]+)", ""),
    (NB, r"The shape is \((\d+), 160, 3\)", "ex-02-3-solution", r"shape: \((\d+), \d+, 3\)", ""),
    (NB, r"batches of 64 make (\d+) batches", "ex-02-8-solution", r"batches: (\d+)", ""),
]
