"""Prose claims of episode 05 (format: tests/test_prose.py)."""

NB = "05_evaluate_and_tune"

CLAIMS = [
    (NB, r"the intro CNN's test accuracy is (0\.\d+)",
     r"Test accuracy of 01_intro_cnn: (0\.\d+)", ""),
    (NB, r"finds ships best \(recall (0\.\d+)\)", r"highest recall: ship (0\.\d+)", ""),
    (NB, r"cats worst \(recall (0\.\d+)\)", r"Lowest recall: cat (0\.\d+)", ""),
    (NB, r"most common mistake is (\d+) cats predicted as dogs",
     r"Most confused: (\d+) cat images predicted as dog", ""),
    (NB, r"0\.003, scored best \((0\.\d+)",
     r"learning rate 0\.003 +cross-validated accuracy (0\.\d+)", ""),
    (NB, r"against (0\.\d+) for 0\.0003",
     r"learning rate 0\.0003 +cross-validated accuracy (0\.\d+)", ""),
    (NB, r"dropout 0\.25 \((0\.\d+)\)", r"dropout +0\.25 +(0\.\d+)", ""),
    (NB, r"beat no dropout \((0\.\d+)\)", r"dropout +0\.0 +(0\.\d+)", ""),
    (NB, r"`elu` \((0\.\d+)\)", r"activation +elu +(0\.\d+)", ""),
    (NB, r"`tanh` \((0\.\d+)\)", r"activation +tanh +(0\.\d+)", ""),
    (NB, r"SGD reached only (0\.\d+)", r"optimizer_name +sgd +(0\.\d+)", ""),
    (NB, r"test accuracies from (0\.\d+) to", r"Range over 3 seeds: (0\.\d+) to", ""),
    (NB, r"test accuracies from 0\.\d+ to (0\.\d+)", r"Range over 3 seeds: 0\.\d+ to (0\.\d+)",
     ""),
    (NB, r"ensemble of three reached (0\.\d+)", r"Ensemble of 3: test accuracy (0\.\d+)", ""),
    (NB, r"above its best member \((0\.\d+)\)", r"seed 2: test accuracy (0\.\d+)", ""),
    (NB, r"Training took (\d+) s in our run", r"Training took (\d+) s", ""),
    (NB, r"after (\d+) s of training: far above", r"Training took (\d+) s", ""),
    (NB, r"fast CNN reaches a test accuracy of (0\.\d+)", r"Fast CNN test accuracy: (0\.\d+)", ""),
    (NB, r"and (0\.\d+) with flip test-time\s+augmentation",
     r"Fast CNN test accuracy with flip TTA: (0\.\d+)", ""),
    (NB, r"episode 01's intro CNN \((0\.\d+)\)", r"Test accuracy of 01_intro_cnn: (0\.\d+)", ""),
]
