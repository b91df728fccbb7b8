"""Benchmarks that print figures as ratios against a baseline measured in the same run.

Convention: each benchmark is a module ``bench/bench_<name>.py`` with a ``main()`` that runs it
and prints a short table. ``python -m bench`` runs every such module in name order;
``python -m bench <name>`` (with or without the ``bench_`` prefix) runs one. Keep each under a
couple of minutes on two cores, and put the figures worth keeping in ``bench/RESULTS.md``.
"""
