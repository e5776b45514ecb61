"""The maintainer toolbox of the lesson (learners never need it): benchmark, learner copies,
Colab cells, instructor notes, catch-up training, lock files. ``python -m lessontools`` lists
the commands; ``lesson.py`` calls them. It may import the lesson package ``cnnlesson``; the
lesson package never imports this one.
"""
