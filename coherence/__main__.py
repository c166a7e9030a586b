"""``python -m coherence`` runs the command line."""

from coherence.cli import main

main()
