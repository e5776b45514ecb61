"""The self-checks of episode 05's exercises: the solution passes, the skeleton asks for its
blanks, and typical wrong answers each get their own hint (tiny data, no training)."""

from __future__ import annotations

import numpy as np
import pytest

from cnnlesson.exercises import hints


def words(found) -> str:
    return " ".join(f"{h.problem} {h.fix} {h.answer}" for h in found).lower()


@pytest.fixture
def matrix():
    rng = np.random.default_rng(0)
    m = rng.integers(0, 30, (4, 4))
    return m + np.diag(rng.integers(50, 90, 4))


@pytest.fixture
def predictions():
    """Probabilities and labels of 40 images, 4 classes, 12 mistakes of varied confidence."""
    rng = np.random.default_rng(1)
    probabilities = rng.dirichlet(np.ones(4), size=40)
    labels = probabilities.argmax(axis=1)
    mistakes = rng.choice(40, size=12, replace=False)
    labels[mistakes] = (labels[mistakes] + 1) % 4
    return probabilities, labels


# -- 05.1 ----------------------------------------------------------------------------------

def test_05_1_solution_and_skeleton(matrix):
    off = matrix - np.diag(np.diag(matrix))
    assert hints("05.1", both_ways=off + off.T, matrix=matrix) == []
    assert "fill in" in words(hints("05.1", both_ways=..., matrix=matrix))


@pytest.mark.parametrize("wrong, expected", [
    (lambda m, off: off, "not symmetric"),
    (lambda m, off: m + m.T, "diagonal"),
    (lambda m, off: off * off.T, "add the two directions"),
    (lambda m, off: off[:2], "shape"),
])
def test_05_1_wrong_answers(matrix, wrong, expected):
    off = matrix - np.diag(np.diag(matrix))
    assert expected in words(hints("05.1", both_ways=wrong(matrix, off), matrix=matrix))


# -- 05.2 ----------------------------------------------------------------------------------

def test_05_2_solution_and_skeleton(matrix):
    correct = np.diag(matrix)
    assert hints("05.2", precision=correct / matrix.sum(axis=0),
                 recall=correct / matrix.sum(axis=1), matrix=matrix) == []
    assert "fill in" in words(hints("05.2", precision=..., recall=..., matrix=matrix))


def test_05_2_wrong_answers(matrix):
    correct = np.diag(matrix)
    precision, recall = correct / matrix.sum(axis=0), correct / matrix.sum(axis=1)
    swapped = words(hints("05.2", precision=recall, recall=precision, matrix=matrix))
    assert "your precision is the recall" in swapped and "axis=0" in swapped
    assert "percentages" in words(hints("05.2", precision=100 * precision, recall=recall,
                                        matrix=matrix))
    assert "all test images" in words(hints("05.2", precision=precision,
                                            recall=correct / matrix.sum(), matrix=matrix))
    assert "shape" in words(hints("05.2", precision=precision[:2], recall=recall,
                                  matrix=matrix))


# -- 05.3 ----------------------------------------------------------------------------------

def test_05_3_solution_and_skeleton(predictions):
    probabilities, labels = predictions
    wrong = np.flatnonzero(probabilities.argmax(axis=1) != labels)
    confidence = probabilities.max(axis=1)
    solution = wrong[np.argsort(confidence[wrong])[::-1][:8]]
    assert hints("05.3", indices=solution, probabilities=probabilities, labels=labels) == []
    assert "fill in" in words(hints("05.3", indices=..., probabilities=probabilities,
                                    labels=labels))


def test_05_3_wrong_answers(predictions):
    probabilities, labels = predictions
    predicted = probabilities.argmax(axis=1)
    wrong = np.flatnonzero(predicted != labels)
    confidence = probabilities.max(axis=1)
    order = np.argsort(confidence[wrong])

    def said(indices):
        return words(hints("05.3", indices=indices, probabilities=probabilities,
                           labels=labels))

    assert "least confident" in said(wrong[order[:8]])  # forgot [::-1]
    assert "positions within `wrong`" in said(order[::-1][:8])  # forgot wrong[...]
    right = np.flatnonzero(predicted == labels)
    mixed = np.r_[wrong[order[::-1][:7]], right[right >= len(wrong)][0]]
    assert "1 of your 8 images are classified correctly" in said(mixed)
    assert "asks for 8" in said(wrong[order[::-1][:5]])
    middle = wrong[order[::-1][2:10]]
    assert "higher confidence" in said(middle)


# -- 05.4 ----------------------------------------------------------------------------------

def test_05_4_solution_and_skeleton():
    scores = {8: 0.36, 16: 0.38, 32: 0.40}
    assert hints("05.4", scores=scores, best=32) == []
    assert "fill in" in words(hints("05.4", scores={8: ..., 16: ..., 32: ...}, best=...))
    assert "fill in" in words(hints("05.4", scores={8: ..., 16: ..., 32: ...}, best=8))


@pytest.mark.parametrize("scores, best, expected", [
    ({8: 0.36, 16: 0.38, 32: 0.40}, 8, "yours is the lowest"),
    ({8: 0.36, 16: 0.38, 32: 0.40}, 0.40, "not one of the settings"),
    ({8: 1.9, 16: 1.8, 32: 1.7}, 32, "losses"),
    ({8: 0.38, 16: 0.38, 32: 0.38}, 8, "identical"),
    ({8: 0.36, 32: 0.40}, 32, "no score for [16]"),
    ({8: ("model", 0.36), 16: ("model", 0.38), 32: ("model", 0.4)}, 32, "[1]"),
    ([0.36, 0.38, 0.40], 32, "dictionary"),
])
def test_05_4_wrong_answers(scores, best, expected):
    assert expected in words(hints("05.4", scores=scores, best=best))


# -- 05.6 ----------------------------------------------------------------------------------

def test_05_6(predictions):
    probabilities, _ = predictions
    flipped = np.random.default_rng(2).dirichlet(np.ones(4), size=40)
    assert hints("05.6", tta_probabilities=(probabilities + flipped) / 2,
                 probabilities=probabilities) == []
    assert "fill in" in words(hints("05.6", tta_probabilities=..., probabilities=probabilities))
    assert "mirrored" in words(hints("05.6", tta_probabilities=probabilities.copy(),
                                     probabilities=probabilities))
    assert "sums to 2" in words(hints("05.6", tta_probabilities=probabilities + flipped,
                                      probabilities=probabilities))
    assert "do not sum to 1" in words(hints("05.6", tta_probabilities=probabilities * flipped,
                                            probabilities=probabilities))
    assert "shape" in words(hints("05.6", tta_probabilities=flipped[:10],
                                  probabilities=probabilities))


# -- 05.7 ----------------------------------------------------------------------------------

def test_05_7(predictions):
    probabilities, labels = predictions
    predicted = probabilities.argmax(axis=1)
    matrix = np.zeros((4, 4))
    np.add.at(matrix, (labels, predicted), 1)
    recall, precision = np.diag(matrix) / matrix.sum(axis=1), np.diag(matrix) / matrix.sum(0)
    assert hints("05.7", recall=recall, probabilities=probabilities, labels=labels) == []
    assert "fill in" in words(hints("05.7", recall=..., probabilities=probabilities,
                                    labels=labels))
    assert "precision" in words(hints("05.7", recall=precision, probabilities=probabilities,
                                      labels=labels))
    assert "percentages" in words(hints("05.7", recall=100 * recall,
                                        probabilities=probabilities, labels=labels))
    other = np.roll(recall, 1) if not np.allclose(recall, np.roll(recall, 1)) else recall + .1
    assert "does not match" in words(hints("05.7", recall=other, probabilities=probabilities,
                                           labels=labels))


# -- 05.8 ----------------------------------------------------------------------------------

def test_05_8(predictions):
    probabilities, labels = predictions
    mirrored = np.random.default_rng(2).dirichlet(np.ones(4), size=40)
    two_views = float(np.mean((probabilities + mirrored).argmax(axis=1) == labels))
    one_view = float(np.mean(probabilities.argmax(axis=1) == labels))
    assert two_views != one_view  # the fixture's mirrored predictions change some answers
    answer = {"probabilities": probabilities, "mirrored": mirrored, "labels": labels}
    assert hints("05.8", mirror_accuracy=two_views, **answer) == []
    assert hints("05.8", mirror_accuracy=np.float64(two_views), **answer) == []
    assert "fill in" in words(hints("05.8", mirror_accuracy=..., **answer))
    assert "mirrored test images" in words(hints(
        "05.8", mirror_accuracy=one_view, **{**answer, "mirrored": probabilities}))
    assert "not added" in words(hints("05.8", mirror_accuracy=one_view, **answer))
    assert "percentage" in words(hints("05.8", mirror_accuracy=100 * two_views, **answer))
    assert "does not match" in words(hints("05.8", mirror_accuracy=two_views + 0.1, **answer))
    assert "one number" in words(hints("05.8", mirror_accuracy=[two_views], **answer))
