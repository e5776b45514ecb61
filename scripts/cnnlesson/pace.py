"""How long each episode takes on this machine: a short training test, scaled by the benchmark.

``lesson.py bench`` times every episode in full mode on the reference machine (``seconds`` in
``benchmarks/results.json``) and, in the same run, this module's training test (``pace_score``:
images trained a second). The same test on another machine gives that machine's score, and an
episode there takes about

    reference seconds x reference score / this machine's score

(the reference score: the median of those stored for the reference machine).

The test trains the lesson's two kinds of model on batches of 64 random 32x32 colour images
(the timing needs no real data): episode 03's plain CNN (convolutions and pooling: the more
CPU cores, the faster) and a CNN with batch normalisation and augmentation layers like episode
05's (about as fast on 1 core as on 2, like episode 06's MobileNet). Each gets a warm-up batch,
then ``REPEATS`` timed passes; the score is the geometric mean of the two speeds: a machine with
more cores, which speeds up the first kind only (say 4 times), scores the square root of that
(twice as fast), in between the two kinds of episode.
It takes about 10 seconds on the reference machine (2 CPU cores), 5 in quick mode; the data are
4 MB, TensorFlow's compiled training steps of the two models keep about 180 MB more.

    python -m cnnlesson.pace           this machine's score and every episode's expected time
    python -m cnnlesson.pace --json    the score and the test's version, as JSON (what the
                                       benchmark stores)
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

from . import settings

RESULTS = Path("benchmarks") / "results.json"
"""The benchmark's results, relative to the lesson folder."""
BATCH = 64
STEPS = {"plain": 32, "batchnorm_augment": 16}
"""Batches per timed pass of each model (about a second each on the reference machine; each
``model.fit`` call has a fixed cost, so the passes must not be shorter)."""
REPEATS = 3
QUICK_REPEATS = 1
"""Timed passes: fewer in quick mode (the tests), each pass the same, so the score is too."""
TEST = 2
"""The version of the test: stored with each score (``pace_test``); a score of another
version is not compared with this one's."""
SLOW_MINUTES = 10
"""An episode whose code would run longer than this gets advice."""


def _batchnorm_cnn():
    """The test's second model, fixed so that every stored score stays comparable (it was
    episode 05's fast CNN until the recipe changed): five convolution-batchnorm-ReLU blocks of
    32 to 128 filters, augmentation layers, global max pooling."""
    import keras
    from keras import layers

    from .models import CIFAR10_MEAN, CIFAR10_STD

    inputs = keras.Input(shape=(32, 32, 3), dtype="uint8")
    x = layers.Normalization(mean=CIFAR10_MEAN, variance=[s**2 for s in CIFAR10_STD])(inputs)
    x = layers.RandomFlip("horizontal")(x)
    x = layers.RandomTranslation(2 / 32, 2 / 32, fill_mode="reflect", interpolation="nearest")(x)
    for filters, pool in ((32, True), (64, True), (128, False), (128, True), (128, False)):
        x = layers.Conv2D(filters, 3, padding="same", use_bias=False)(x)
        x = layers.BatchNormalization(momentum=0.9)(x)
        x = layers.Activation("relu")(x)
        if pool:
            x = layers.MaxPooling2D()(x)
    x = layers.GlobalMaxPooling2D()(x)
    x = layers.Dense(10)(x)
    outputs = layers.Activation("softmax")(layers.Rescaling(0.125)(x))
    return keras.Model(inputs, outputs, name="pace_batchnorm_cnn")


def _models():
    from .models import build_deeper_cnn

    return {"plain": build_deeper_cnn, "batchnorm_augment": _batchnorm_cnn}


def speed(build, steps: int, repeats: int) -> float:
    """Images a second that ``model.fit`` trains the model ``build()`` makes, over ``repeats``
    passes of ``steps`` batches after a warm-up batch: the average over all passes, not the
    best one, since an episode's run time includes the machine's slow moments too."""
    import keras
    import numpy as np

    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, (BATCH * steps, 32, 32, 3), dtype=np.uint8)
    y = rng.integers(0, 10, BATCH * steps)
    model = build()
    model.compile(optimizer=keras.optimizers.Adam(), loss="sparse_categorical_crossentropy")
    model.fit(x[:BATCH], y[:BATCH], batch_size=BATCH, verbose=0)  # builds the training step
    start = time.perf_counter()
    for _ in range(repeats):
        model.fit(x, y, batch_size=BATCH, verbose=0)
    seconds = time.perf_counter() - start
    del model
    return len(x) * repeats / seconds


def measure(steps: int | None = None, repeats: int | None = None) -> float:
    """This machine's score: the geometric mean of the training speeds (images a second) of
    the lesson's two kinds of model. ``steps`` (all models) and ``repeats`` override the
    defaults, for tests."""
    repeats = repeats or (QUICK_REPEATS if settings.is_quick() else REPEATS)
    speeds = [speed(build, steps or STEPS[name], repeats) for name, build in _models().items()]
    return statistics.geometric_mean(speeds)


def reference_timings(path: str | Path | None = None) -> dict[str, tuple[float, float]]:
    """``{episode: (seconds, score)}`` of the full-mode runs in ``results.json``. The score is
    the median of the scores stored with the runs of the same machine (each benchmark run
    stores its ``pace_score`` and ``pace_test``; only this ``TEST``'s count): one test's score
    varies by about 10% on a busy machine, the median of several much less, and runs stored
    before scores were get one too. Runs of a machine without any score are left out."""
    path = Path(path) if path else settings.project_root() / RESULTS
    try:
        runs = json.loads(path.read_text()).get("episodes", {})
    except (OSError, ValueError):
        return {}
    runs = {stem: run for stem, run in runs.items()
            if run.get("mode") == "full" and run.get("seconds")}
    by_machine: dict[str, list[float]] = {}
    for run in runs.values():
        if run.get("pace_score") and run.get("pace_test") == TEST:
            by_machine.setdefault(run.get("machine", ""), []).append(float(run["pace_score"]))
    return {stem: (float(run["seconds"]), statistics.median(by_machine[run.get("machine", "")]))
            for stem, run in sorted(runs.items()) if run.get("machine", "") in by_machine}


def reference_machine(path: str | Path | None = None) -> str:
    """The benchmark's machine as results.json names it (``2 CPU, x86_64``), or ``""``."""
    path = Path(path) if path else settings.project_root() / RESULTS
    try:
        runs = json.loads(path.read_text()).get("episodes", {}).values()
    except (OSError, ValueError):
        return ""
    return next((run["machine"] for run in runs if run.get("machine")), "")


def predict(score: float, reference: dict[str, tuple[float, float]]) -> dict[str, float]:
    """``{episode: expected seconds here}`` for a machine of this ``score``."""
    return {stem: seconds * ref_score / score for stem, (seconds, ref_score) in reference.items()}


def describe(seconds: float) -> str:
    """A run time as a learner reads it: ``20 s``, ``4 min``, ``1 h 5 min``."""
    if seconds < 90:
        return f"{max(5, round(seconds / 5) * 5)} s"
    minutes = round(seconds / 60)
    return f"{minutes} min" if minutes < 60 else f"{minutes // 60} h {minutes % 60} min"


def speed_words(score: float, reference_score: float) -> str:
    """``about as fast as`` / ``1.8x as fast as`` / ``2.3x slower than``."""
    ratio = score / reference_score
    if ratio >= 1.15:
        return f"{ratio:.1f}x as fast as"
    if ratio <= 1 / 1.15:
        return f"{1 / ratio:.1f}x slower than"
    return "about as fast as"


def times_lines(expected: dict[str, float], width: int = 76) -> list[str]:
    """The expected run times, ``01 3 min, 02 20 s, ...``, in lines of at most ``width``."""
    items = [f"{stem[:2]} {describe(s)}" for stem, s in sorted(expected.items())]
    lines, line = [], "full-mode run time here:"
    for item in items:
        if len(line) + len(item) + 2 > width:
            lines.append(line + ",")
            line = " " * 2 + item
        else:
            line += (" " if line.endswith(":") else ", ") + item
    return lines + [line]


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    score = measure()
    if "--json" in argv:
        print(json.dumps({"pace_score": round(score, 1), "pace_test": TEST}))
        return 0
    reference = reference_timings()
    print(f"This machine trains {score:,.0f} images a second in the lesson's training test.")
    if reference:
        ref_score = statistics.median(s for _, s in reference.values())
        print(f"That is {speed_words(score, ref_score)} the reference machine "
              f"({reference_machine() or 'of benchmarks/results.json'}).")
        print("\n".join(times_lines(predict(score, reference))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
