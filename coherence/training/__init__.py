"""Training the quality model: defects generated from clean articles, and the fit itself.

Retrain with::

    python -m coherence.training.train --data ../shared/data -o coherence/data/quality_model.json
"""
