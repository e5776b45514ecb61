"""Prose claims of episode 05: (notebook, pattern in the markdown, id of the code cell whose
output prints the number, pattern in that output (the last match counts), unit)."""

NB = "05_evaluate_and_tune"
RECALL = "c305dc90"  # classes by recall
SEEDS = "104d7730"  # one setting, three seeds
CV = "151d19e5-cv"  # cross-validated learning rates
TABLE = "85461831"  # one hyperparameter at a time
FILTERS = "sol-05-4"
FAST = "0d87228e"  # fast CNN test accuracy
GAIN = "sol-05-7"  # recall of the fast CNN

CLAIMS = [
    (NB, r"the intro CNN's test accuracy is (0\.\d+)", "b79d1332",
     r"Test accuracy of 01_intro_cnn: (0\.\d+)", ""),
    (NB, r"finds ships best \(recall (0\.\d+)\)", RECALL, r"ship +(0\.\d+)", ""),
    (NB, r"cats worst \(recall (0\.\d+)\)", RECALL, r"\bcat +(0\.\d+)", ""),
    (NB, r"most common mistake is (\d+) cats predicted as dogs", "b7742df4",
     r"Most confused: (\d+) cat images predicted as dog", ""),
    (NB, r"horses\s+\(recall (0\.\d+)\)", RECALL, r"horse +(0\.\d+)", ""),
    (NB, r"as often as trucks \((0\.\d+)\)", RECALL, r"truck +(0\.\d+)", ""),
    (NB, r"more often than airplanes\s+\((0\.\d+)\)", RECALL, r"airplane +(0\.\d+)", ""),
    # exercise 5.1
    (NB, r"cat ↔ dog \((\d+) test images\)", "sol-05-1", r"cat <-> dog: (\d+)", ""),
    (NB, r"bird ↔ deer \((\d+)\)", "sol-05-1", r"bird <-> deer: (\d+)", ""),
    (NB, r"automobile ↔ truck \((\d+)\)", "sol-05-1", r"automobile <-> truck: (\d+)", ""),
    (NB, r"\((\d+) cats were called dogs", "b7742df4",
     r"Most confused: (\d+) cat images predicted as dog", ""),
    # exercise 5.3
    (NB, r"probability of (0\.\d+)\. A high probability", "sol-05-3",
     r"lowest confidence of the 8: (0\.\d+)", ""),
    # seeds and tuning
    (NB, r"validation accuracies from (0\.\d+) to", SEEDS, r"Range over 3 seeds: (0\.\d+) to", ""),
    (NB, r"validation accuracies from 0\.\d+ to (0\.\d+)", SEEDS,
     r"Range over 3 seeds: 0\.\d+ to (0\.\d+)", ""),
    (NB, r"a spread of\s+(0\.\d+) for the same model", SEEDS, r"spread (0\.\d+)", ""),
    (NB, r"0\.003, scored best \((0\.\d+)", CV,
     r"learning rate 0\.003 +cross-validated accuracy (0\.\d+)", ""),
    (NB, r"against (0\.\d+) for 0\.001", CV,
     r"learning rate 0\.001 +cross-validated accuracy (0\.\d+)", ""),
    (NB, r"and (0\.\d+) for 0\.0003", CV,
     r"learning rate 0\.0003 +cross-validated accuracy (0\.\d+)", ""),
    (NB, r"of single runs \((0\.\d+)\): a hint", SEEDS, r"spread (0\.\d+)", ""),
    (NB, r"SGD reached only (0\.\d+)", TABLE, r"optimizer_name +sgd +(0\.\d+)", ""),
    (NB, r"`tanh` \((0\.\d+)\)", TABLE, r"activation +tanh +(0\.\d+)", ""),
    (NB, r"`elu` \((0\.\d+)\)", TABLE, r"activation +elu +(0\.\d+)", ""),
    (NB, r"`relu` \((0\.\d+)\), and dropout", TABLE, r"activation +relu +(0\.\d+)", ""),
    (NB, r"dropout 0\.25 \((0\.\d+)\) above none", TABLE, r"dropout +0\.25 +(0\.\d+)", ""),
    (NB, r"smaller than the\s+seed spread \((0\.\d+)\): on this budget they", SEEDS,
     r"spread (0\.\d+)", ""),
    # exercise 5.4
    (NB, r"default of (\d+) filters scored best", FILTERS, r"best: (\d+) filters", ""),
    (NB, r"filters scored best \((0\.\d+)\)", FILTERS, r" 16 filters: validation accuracy (0\.\d+)",
     ""),
    (NB, r"ahead of 32 filters\s+\((0\.\d+)\)", FILTERS,
     r"32 filters: validation accuracy (0\.\d+)", ""),
    (NB, r"and 8 filters \((0\.\d+)\)", FILTERS, r"8 filters: validation accuracy (0\.\d+)", ""),
    (NB, r"smaller than the seed spread \((0\.\d+)\): on this budget the number", FILTERS,
     r"seed spread (0\.\d+)", ""),
    # ensemble and exercise 5.5
    (NB, r"ensemble of three reached (0\.\d+)", "f9eb21fb",
     r"Ensemble of 3: validation accuracy (0\.\d+)", ""),
    (NB, r"members scored\s+(0\.\d+) to", SEEDS, r"Range over 3 seeds: (0\.\d+) to", ""),
    (NB, r"members scored\s+0\.\d+ to (0\.\d+) \(mean", SEEDS,
     r"Range over 3 seeds: 0\.\d+ to (0\.\d+)", ""),
    (NB, r"to 0\.\d+ \(mean (0\.\d+)\)", "f9eb21fb", r"their mean (0\.\d+)", ""),
    (NB, r"the ensemble \((0\.\d+)\) was about the same", "f9eb21fb",
     r"Ensemble of 3: validation accuracy (0\.\d+)", ""),
    (NB, r"best member \((0\.\d+)\) and", SEEDS, r"Range over 3 seeds: 0\.\d+ to (0\.\d+)", ""),
    (NB, r"members' mean \((0\.\d+)\)\. You cannot", "f9eb21fb", r"their mean (0\.\d+)", ""),
    (NB, r"\(seed 3, (0\.\d+)\)", SEEDS, r"seed 3: validation accuracy (0\.\d+)", ""),
    # the fast CNN
    (NB, r"Training took (\d+) s in our run", "f5fb05bf", r"Training took (\d+) s", ""),
    (NB, r"after (\d+) s of training: far above", "f5fb05bf", r"Training took (\d+) s", ""),
    (NB, r"fast CNN reaches a test accuracy of (0\.\d+)", FAST,
     r"Fast CNN test accuracy: (0\.\d+)", ""),
    (NB, r"and (0\.\d+) with flip test-time\s+augmentation", FAST,
     r"Fast CNN test accuracy with flip TTA: (0\.\d+)", ""),
    (NB, r"episode 01's intro CNN \((0\.\d+)\)", "b79d1332",
     r"Test accuracy of 01_intro_cnn: (0\.\d+)", ""),
    # exercises 5.6 and 5.7
    (NB, r"the test accuracy rose from (0\.\d+) to", "sol-05-6", r"01_intro_cnn: (0\.\d+) without",
     ""),
    (NB, r"the test accuracy rose from 0\.\d+ to (0\.\d+)", "sol-05-6",
     r"(0\.\d+) with\s+flip test-time", ""),
    (NB, r"Birds gained most \((0\.\d+) →", GAIN, r"bird +(0\.\d+) ->", ""),
    (NB, r"Birds gained most \(0\.\d+ → (0\.\d+)\)", GAIN, r"bird +0\.\d+ -> (0\.\d+)", ""),
    (NB, r"already the best class, least \((0\.\d+) →", GAIN, r"ship +(0\.\d+) ->", ""),
    (NB, r"already the best class, least \(0\.\d+ → (0\.\d+)\)", GAIN,
     r"ship +0\.\d+ -> (0\.\d+)", ""),
    (NB, r"Cat is still the weakest class \((0\.\d+)\)", GAIN, r"\bcat +0\.\d+ -> (0\.\d+)", ""),
]
