"""The checkers of episode 01's exercises: the solution passes, the skeleton asks to fill in,
and typical wrong answers each get their own hint."""

from __future__ import annotations

import numpy as np
import pytest

from cnnlesson.exercises import ep01, hints


def words(found) -> str:
    return " ".join(f"{h.problem} {h.fix} {h.answer}" for h in found).lower()


def solution_of(key: dict) -> dict:
    return {description: answer for description, (answer, _) in key.items()}


# --- 01.1 and 01.2: sorting ------------------------------------------------------------------

@pytest.mark.parametrize("exercise, key", [("01.1", ep01.AI_ML_DL),
                                           ("01.2", ep01.VISION_TASKS)])
def test_sorting_solution_skeleton_and_wrong_answers(exercise, key):
    assert hints(exercise, answers=solution_of(key)) == []
    skeleton = dict.fromkeys(key, ...)
    assert "fill in" in words(hints(exercise, answers=skeleton))
    changed = {f"my {d}": a for d, a in solution_of(key).items()}
    assert "descriptions" in words(hints(exercise, answers=changed))
    unknown = {**solution_of(key), next(iter(key)): "robotics"}
    assert "not one of" in words(hints(exercise, answers=unknown))


def test_ai_ml_dl_names_the_misplaced_system():
    answers = solution_of(ep01.AI_ML_DL)
    route = "a route planner that searches a road map with hand-written rules"
    answers[route] = "ML"
    found = hints("01.1", answers=answers)
    assert len(found) == 1 and "route planner" in found[0].problem
    assert "hand-written" in found[0].fix or "wrote its rules" in found[0].fix
    answers = solution_of(ep01.AI_ML_DL)
    answers["a photo app that finds faces with a 20-layer neural network"] = "ML"
    assert "many layers" in words(hints("01.1", answers=answers))


def test_vision_tasks_detection_vs_classification():
    answers = solution_of(ep01.VISION_TASKS)
    cars = "count the cars in each frame of a traffic camera and say where they are"
    answers[cars] = "classification"
    assert "box" in words(hints("01.2", answers=answers))


# --- 01.3: data size -------------------------------------------------------------------------

def test_data_size():
    assert hints("01.3", numbers_per_image=3072, megabytes=153.6) == []
    assert hints("01.3", numbers_per_image=np.int64(3072), megabytes=153_600_000 / 2**20) == []
    assert "fill in" in words(hints("01.3", numbers_per_image=..., megabytes=...))
    assert "pixels" in words(hints("01.3", numbers_per_image=1024, megabytes=153.6))
    assert "divide by 1,000,000" in words(hints("01.3", numbers_per_image=3072,
                                                megabytes=153_600_000))
    assert "uint8" in words(hints("01.3", numbers_per_image=3072, megabytes=153.6 * 8))
    assert "all 50,000" in words(hints("01.3", numbers_per_image=50_000 * 3072, megabytes=153.6))


# --- 01.4: split -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def part():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 10, 1000)
    x = rng.integers(0, 255, (1000, 4, 4, 3), dtype=np.uint8)
    return x, y


def test_split_solution(part):
    from sklearn.model_selection import train_test_split

    x, y = part
    _, _, y_train, y_val = train_test_split(x, y, test_size=200, stratify=y, random_state=42)
    assert hints("01.4", y_train=y_train, y_val=y_val) == []
    assert "fill in" in words(hints("01.4", y_train=..., y_val=...))


def test_split_wrong_answers(part):
    from sklearn.model_selection import train_test_split

    x, y = part
    # no stratify: a class loses its share
    _, _, y_train, y_val = train_test_split(x, y, test_size=200, random_state=42)
    assert "stratify" in words(hints("01.4", y_train=y_train, y_val=y_val))
    # the four arrays unpacked in the wrong order
    x_train, x_val, y_train, y_val = train_test_split(x, y, test_size=200, stratify=y,
                                                      random_state=42)
    assert "in this order" in words(hints("01.4", y_train=x_train, y_val=x_val))
    # 10% instead of 200 images
    _, _, y_train, y_val = train_test_split(x, y, test_size=0.1, stratify=y, random_state=42)
    assert "asks for 200" in words(hints("01.4", y_train=y_train, y_val=y_val))


# --- 01.5: parameters ------------------------------------------------------------------------

def test_count_parameters():
    assert hints("01.5", conv2_params=32 * (3 * 3 * 16 + 1), dense1_params=64 * 1153) == []
    assert "fill in" in words(hints("01.5", conv2_params=..., dense1_params=...))
    assert "biases" in words(hints("01.5", conv2_params=32 * 9 * 16, dense1_params=73_792))
    assert "16 feature maps" in words(hints("01.5", conv2_params=32 * 28, dense1_params=73_792))
    assert "3 x 3 x 16" in words(hints("01.5", conv2_params=320, dense1_params=73_792))
    assert "lacks its biases" in words(hints("01.5", conv2_params=4640, dense1_params=73_728))


# --- 01.6: compile ---------------------------------------------------------------------------

@pytest.fixture()
def fresh():
    from cnnlesson.models import build_intro_cnn

    return build_intro_cnn()


def test_compile_solution_and_objects(fresh):
    import keras

    fresh.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    assert hints("01.6", model=fresh) == []
    fresh.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3),
                  loss=keras.losses.SparseCategoricalCrossentropy(), metrics=["accuracy"])
    assert hints("01.6", model=fresh) == []


def test_compile_skeleton_is_not_compiled(fresh):
    assert "not compiled yet" in words(hints("01.6", model=fresh))


@pytest.mark.parametrize("compiled, expected", [
    (dict(loss="categorical_crossentropy"), "one-hot"),
    (dict(loss="binary_crossentropy"), "two classes"),
    (dict(loss="mse"), "does not fit"),
    (dict(optimizer="sgd"), "asks for adam"),
    (dict(metrics=None), "no accuracy"),
])
def test_compile_wrong_answers(fresh, compiled, expected):
    settings = dict(optimizer="adam", loss="sparse_categorical_crossentropy",
                    metrics=["accuracy"]) | compiled
    fresh.compile(**settings)
    assert expected in words(hints("01.6", model=fresh))


def test_compile_not_a_model():
    assert "not a keras model" in words(hints("01.6", model="adam"))


# --- 01.7: steps -----------------------------------------------------------------------------

def test_steps_per_epoch():
    assert hints("01.7", steps_32=40_000 // 32, steps_96=int(np.ceil(40_000 / 96))) == []
    assert "fill in" in words(hints("01.7", steps_32=..., steps_96=...))
    assert "round up" in words(hints("01.7", steps_32=1250, steps_96=40_000 / 96))
    assert "one more, smaller batch" in words(hints("01.7", steps_32=1250, steps_96=416))
    assert "multiplied" in words(hints("01.7", steps_32=40_000 * 32, steps_96=417))


# --- 01.8: predictions -----------------------------------------------------------------------

def test_predicted_classes():
    probabilities = np.random.default_rng(1).dirichlet(np.ones(10), size=16)
    assert hints("01.8", predictions=np.argmax(probabilities, axis=1)) == []
    assert "fill in" in words(hints("01.8", predictions=...))
    assert "probabilities" in words(hints("01.8", predictions=probabilities))
    assert "axis 0" in words(hints("01.8", predictions=np.argmax(probabilities, axis=0)))
    assert "16 in all" in words(hints("01.8", predictions=np.zeros(8, dtype=int)))


# --- 01.9: accuracy --------------------------------------------------------------------------

def test_small_data_accuracy():
    assert hints("01.9", accuracy=0.47) == []
    assert "fill in" in words(hints("01.9", accuracy=...))
    assert "loss and the accuracy" in words(hints("01.9", accuracy=[1.5, 0.47]))
    assert "above 1" in words(hints("01.9", accuracy=1.52))
    assert "chance" in words(hints("01.9", accuracy=0.1))
    assert "training images" in words(hints("01.9", accuracy=0.98))
