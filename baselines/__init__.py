"""The Keras starter kit: see baselines/README.md."""
