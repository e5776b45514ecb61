"""``python -m lessontools COMMAND``: the maintainer commands (``lesson.py`` calls them).

    bench [NN ...] [--store] [--quick] [--report] [--seeds N]
                                                    measure episodes (see benchmark.py)
    ablation [--rows N ...] [--quick] [--list]      the fast CNN's ablation table (ablation.py)
    catchup [NAME ...]                              retrain the catch-up copies from the episodes
    learners                                        regenerate episodes/learner/
    colab [NN ...]                                  write the Colab badge and set-up cell
    instructors                                     regenerate the instructor notes' tables
    lock [--upgrade]                                recompile the lock files and environment.yml
    site                                            build the lesson's website (see site.py)
"""

from __future__ import annotations

import sys

from cnnlesson.settings import project_root


def main(argv: list[str]) -> int:
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(__doc__)
        return 0
    command, rest = argv[0], argv[1:]
    root = project_root()
    if command == "bench":
        from . import benchmark

        return benchmark.main(rest)
    if command == "ablation":
        from . import ablation

        return ablation.main(rest)
    if command == "catchup":
        from . import catchup

        return catchup.main(rest)
    if command == "learners":
        from . import learners

        for path in learners.write_learner_copies(root):
            print("wrote", path.relative_to(root))
        return 0
    if command == "colab":
        from . import colab, notebooks

        chosen = [p for p in notebooks.episode_notebooks(root)
                  if not rest or any(p.name.startswith(e) for e in rest)]
        changed = colab.apply(root, chosen)
        for path in chosen:
            print("updated" if path in changed else "unchanged", path.relative_to(root))
        if changed:
            print("Now regenerate the learner copies: python3 lesson.py learners")
        return 0
    if command == "instructors":
        from . import instructors

        return instructors.main(rest)
    if command == "lock":
        from . import locks

        return locks.main(rest)
    if command == "site":
        from . import site

        return site.main(rest)
    print(f"Unknown command {command!r}.\n{__doc__}")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
