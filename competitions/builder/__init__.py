"""The competition builder: a zip of labelled images becomes a competition.

archive.py reads the zip without trusting it, layout.py finds the classes, images.py
cleans each image, splits.py splits, build.py writes the files (no database), publish.py
creates the competition, service.py runs it all for a community host in the background.
"""
