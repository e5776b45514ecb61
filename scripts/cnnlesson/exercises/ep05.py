"""Checkers of episode 05's exercises (see :mod:`cnnlesson.exercises`)."""

from __future__ import annotations

import numbers

import numpy as np

from . import Hint, exercise, wrong_type


def _array(value, name: str, shape: tuple | None = None):
    """``value`` as a float array, or a hint (as a second value) saying why it is not one."""
    if value is None:
        return None, Hint(f"`{name}` is None: did a function print instead of return?",
                          f"Assign the result to `{name}`.")
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None, wrong_type(name, value, "an array of numbers",
                          "Compute it with NumPy operations on the arrays of the episode.")
    if shape is not None and array.shape != shape:
        return None, Hint(f"`{name}` has shape {array.shape}; the exercise needs {shape}.",
                          "Work on the whole array at once: NumPy divides element by element.")
    return array, None


@exercise("05.1", "confusions both ways", success="These pairs are the model's blind spots.")
def confusions_both_ways(both_ways, matrix):
    matrix = np.asarray(matrix)
    values, problem = _array(both_ways, "both_ways", matrix.shape)
    if problem:
        yield problem
        return
    off_diagonal = matrix - np.diag(np.diag(matrix))
    expected = off_diagonal + off_diagonal.T
    if np.any(np.diag(values) != 0):
        yield Hint("the diagonal of `both_ways` is not zero: it still counts correct predictions.",
                   "Start from `off_diagonal` (the matrix with its diagonal set to zero), not "
                   "from `matrix`.", "both_ways = off_diagonal + off_diagonal.T")
        return
    if not np.array_equal(values, values.T):
        yield Hint("`both_ways` is not symmetric: entry (cat, dog) must equal entry (dog, cat).",
                   "Add the transpose (`.T`): it holds the mistakes in the other direction.",
                   "both_ways = off_diagonal + off_diagonal.T")
        return
    if not np.array_equal(values, expected):
        yield Hint("the counts differ from the confusions in both directions.",
                   "Add the two directions (`+`), do not multiply or average them.",
                   "both_ways = off_diagonal + off_diagonal.T")


@exercise("05.2", "precision and recall by hand",
          success="They match scikit-learn's classification_report.")
def precision_recall(precision, recall, matrix):
    matrix = np.asarray(matrix, dtype=float)
    n = matrix.shape[0]
    correct = np.diag(matrix)
    expected = {"precision": correct / matrix.sum(axis=0),
                "recall": correct / matrix.sum(axis=1)}
    given = {}
    for name, value in (("precision", precision), ("recall", recall)):
        array, problem = _array(value, name, (n,))
        if problem:
            yield problem
            return
        given[name] = array
    for name, other in (("precision", "recall"), ("recall", "precision")):
        array = given[name]
        if np.allclose(array, expected[name]):
            continue
        if np.allclose(array, 100 * expected[name]):
            yield Hint(f"your {name} values are percentages (up to 100); the report uses "
                       "fractions between 0 and 1.", "Do not multiply by 100.")
        elif np.allclose(array, expected[other]):
            axis = 0 if name == "precision" else 1
            yield Hint(f"your {name} is the {other}: you divided by the wrong sums.",
                       f"{name.capitalize()} divides by the sum over axis={axis} ("
                       + ("columns: the images PREDICTED as each class)." if axis == 0 else
                          "rows: the images OF each class)."),
                       f"my_{name} = np.diag(matrix) / matrix.sum(axis={axis})")
        elif np.allclose(array, correct / matrix.sum()):
            yield Hint(f"your {name} divides by the number of all test images.",
                       "Divide each class's correct count by a sum for that class: a row or a "
                       "column of the matrix.")
        else:
            yield Hint(f"your {name} does not match the matrix.",
                       "Divide the diagonal, np.diag(matrix), by the column sums (precision) "
                       "or the row sums (recall).")
        return


@exercise("05.3", "the most confident mistakes",
          success="High confidence is no guarantee of a right answer.")
def confident_mistakes(indices, probabilities, labels, count=8):
    probabilities = np.asarray(probabilities)
    labels = np.asarray(labels)
    predictions = probabilities.argmax(axis=1)
    confidence = probabilities.max(axis=1)
    wrong = np.flatnonzero(predictions != labels)
    try:
        chosen = np.asarray(indices).astype(int).ravel()
    except (TypeError, ValueError):
        yield wrong_type("indices", indices, "an array of image indices",
                   "Index `wrong` with positions from np.argsort.")
        return
    if len(chosen) != count:
        yield Hint(f"you picked {len(chosen)} images; the exercise asks for {count}.",
                   f"Keep the first {count} after sorting: [:{count}].")
        return
    if chosen.min() < 0 or chosen.max() >= len(labels):
        yield Hint("some indices are outside the test set.",
                   "Use indices into x_test, taken from `wrong`.")
        return
    right = int(np.sum(predictions[chosen] == labels[chosen]))
    by_confidence = wrong[np.argsort(confidence[wrong])]
    if right:
        hint = Hint(f"{right} of your {count} images are classified correctly: they are not "
                    "mistakes.", "Choose among `wrong`, the indices of the misclassified "
                    "images.", "wrong[np.argsort(confidence[wrong])[::-1][:8]]")
        if set(chosen) <= set(range(len(wrong))):
            hint = Hint("these look like positions within `wrong`, not indices of test images.",
                        "Turn the positions into test-image indices: wrong[positions].",
                        hint.answer)
        yield hint
        return
    if set(chosen) == set(by_confidence[:count]):
        yield Hint("these are the LEAST confident mistakes: np.argsort sorts from low to high.",
                   "Reverse the order with [::-1] before keeping the first ones.",
                   "wrong[np.argsort(confidence[wrong])[::-1][:8]]")
        return
    if not np.allclose(np.sort(confidence[chosen]), np.sort(confidence[by_confidence[-count:]])):
        yield Hint("there are misclassified images with a higher confidence than yours.",
                   "Sort the mistakes by `confidence[wrong]`, highest first.",
                   "wrong[np.argsort(confidence[wrong])[::-1][:8]]")


@exercise("05.4", "tune the number of filters",
          success="Now compare the gain with the seed spread.")
def tune_filters(scores, best, values=(8, 16, 32)):
    if not isinstance(scores, dict):
        yield Hint(f"`scores` is a {type(scores).__name__}; the exercise asks for a dictionary "
                   "{filters: validation accuracy}.", "Start with filter_scores = {} and set "
                   "filter_scores[filters] = ... inside the loop.")
        return
    blanks = sorted(key for key, value in scores.items() if value is Ellipsis)
    if blanks:
        yield Hint(f"the scores for {blanks} are still `...`: fill in the blanks of the "
                   "skeleton first, then run the cell again.")
        return
    missing = [v for v in values if v not in scores]
    if missing:
        yield Hint(f"no score for {missing} filters: the exercise tries {list(values)}.",
                   "Loop over [8, 16, 32] and store one score per value.")
        return
    numbers_only = all(isinstance(v, numbers.Real) for v in scores.values())
    if not numbers_only:
        kinds = sorted({type(v).__name__ for v in scores.values()})
        yield Hint(f"the scores are {', '.join(kinds)}, not single numbers.",
                   "train_and_score returns (model, accuracy): keep only the accuracy, "
                   "with [1].", "filter_scores[filters] = train_and_score(filters=filters)[1]")
        return
    if any(not 0 <= v <= 1 for v in scores.values()):
        yield Hint("some scores are outside 0 to 1: they look like losses, not accuracies.",
                   "evaluate returns [loss, accuracy]; train_and_score already returns the "
                   "accuracy.")
        return
    if len({round(float(scores[v]), 6) for v in values}) == 1:
        yield Hint("all settings got exactly the same score: the models were probably "
                   "identical.", "Pass the number of filters to the model: "
                   "train_and_score(filters=filters).")
        return
    top = max(scores, key=scores.get)
    if best not in scores:
        yield Hint(f"`best` is {best!r}, which is not one of the settings you tried.",
                   "`best` is a number of filters (a key of the dictionary), not a score.",
                   "best_filters = max(filter_scores, key=filter_scores.get)")
        return
    if scores[best] < scores[top]:
        lowest = min(scores, key=scores.get)
        yield Hint(f"{best} filters is not the best setting: {top} scored higher"
                   + (" (yours is the lowest score)." if best == lowest else "."),
                   "Pick the key with the highest value.",
                   "best_filters = max(filter_scores, key=filter_scores.get)")


@exercise("05.6", "test-time augmentation", success="Two looks at each image, one model.")
def test_time_augmentation(tta_probabilities, probabilities):
    probabilities = np.asarray(probabilities, dtype=float)
    tta, problem = _array(tta_probabilities, "tta_probabilities", probabilities.shape)
    if problem:
        yield problem
        return
    if np.allclose(tta, probabilities):
        yield Hint("`tta_probabilities` equals the predictions for the original images.",
                   "Predict the MIRRORED images (flipped_images) and average the two.")
        return
    sums = tta.sum(axis=1)
    if np.allclose(sums, 2, atol=1e-3):
        yield Hint("each row sums to 2: you added the two predictions.",
                   "Divide the sum by 2, so the rows stay probabilities.")
        return
    if not np.allclose(sums, 1, atol=1e-3):
        yield Hint("the rows of `tta_probabilities` do not sum to 1: they are not averaged "
                   "probabilities.", "Average the two predictions element by element: "
                   "(probabilities + flipped_probabilities_01) / 2.")


@exercise("05.7", "recall of the fast CNN", success="Compare it with the intro CNN's recall.")
def fast_recall(recall, probabilities, labels):
    probabilities = np.asarray(probabilities)
    labels = np.asarray(labels)
    n = probabilities.shape[1]
    predictions = probabilities.argmax(axis=1)
    matrix = np.zeros((n, n))
    np.add.at(matrix, (labels, predictions), 1)
    expected = np.diag(matrix) / matrix.sum(axis=1)
    values, problem = _array(recall, "recall", (n,))
    if problem:
        yield problem
        return
    if np.allclose(values, expected):
        return
    if np.allclose(values, 100 * expected):
        yield Hint("your recall values are percentages; use fractions between 0 and 1.",
                   "Do not multiply by 100.")
    elif np.allclose(values, np.diag(matrix) / matrix.sum(axis=0)):
        yield Hint("this is the precision: you divided by the column sums.",
                   "Recall divides by the row sums: matrix.sum(axis=1).",
                   "np.diag(fast_matrix) / fast_matrix.sum(axis=1)")
    else:
        yield Hint("your recall does not match the fast CNN's predictions.",
                   "Build the confusion matrix from y_test and fast_probabilities.argmax("
                   "axis=1) (not from the intro CNN's predictions), then divide its diagonal "
                   "by the row sums.")


@exercise("05.8", "rerun a row of the ablation", success="Your model and the table's agree "
          "on what test-time augmentation buys, or differ by the seed spread.")
def rerun_tta_row(mirror_accuracy, probabilities, mirrored, labels):
    probabilities = np.asarray(probabilities, dtype=float)
    labels = np.asarray(labels)
    plain = float(np.mean(probabilities.argmax(axis=1) == labels))
    mirrored, problem = _array(mirrored, "fast_mirrored", probabilities.shape)
    if problem:
        yield problem
        return
    if np.allclose(mirrored, probabilities):
        yield Hint("`fast_mirrored` equals the predictions for the original images.",
                   "Predict the MIRRORED test images: fast_model.predict(flipped_images).")
        return
    expected = float(np.mean((probabilities + mirrored).argmax(axis=1) == labels))
    if not isinstance(mirror_accuracy, numbers.Real):  # np.mean gives a NumPy float: Real
        yield wrong_type("mirror_accuracy", mirror_accuracy, "one number",
                         "Take the mean of a comparison: np.mean(predicted == y_test).")
        return
    value = float(mirror_accuracy)
    if abs(value - 100 * expected) < 1e-6:
        yield Hint("your accuracy is a percentage; use a fraction between 0 and 1.",
                   "Do not multiply by 100.")
    elif abs(value - plain) < 1e-9 and abs(expected - plain) > 1e-9:
        yield Hint("`mirror_accuracy` is the accuracy of one view: the mirrored predictions "
                   "were not added.", "Add the two arrays of probabilities before argmax.")
    elif abs(value - expected) > 1e-9:
        yield Hint("`mirror_accuracy` does not match the two views' summed probabilities.",
                   "(fast_probabilities + fast_mirrored).argmax(axis=1) gives the predicted "
                   "classes; compare them with y_test.")
