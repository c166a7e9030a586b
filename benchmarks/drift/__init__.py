"""Topic-drift benchmarks: Choi, Wiki-50, BBC splices and FNC-1, with baselines side by side.

Run ``python -m benchmarks.drift --help`` from the repository root.
"""
