"""The exploration notebook runs top to bottom, offline, and shows what it promises."""

from __future__ import annotations

from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "explore.ipynb"


@pytest.mark.slow
def test_explore_notebook_runs_top_to_bottom():
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOK.parent)}}
    )
    client.execute()  # raises CellExecutionError on any failing cell
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    html = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert any("<mark" in h for h in html), "a report should render with highlighted spans"
    assert any("Lowest quality" in h for h in html), "Results should render as a summary table"
    assert len(images) >= 6, "drift, heatmap, unit map, signals, histogram and article map"


OWN_CORPUS = [
    {
        "id": "harbour",
        "source": "a.example",
        "title": "Harbour authority opens second ferry terminal",
        "text": "The harbour authority opened a second ferry terminal on Monday after two years of building work.\n\n"
        "Ferries to the islands will now leave every forty minutes in summer, the authority said.\n\n"
        "Local traders welcomed the change, saying visitors had often missed the last boat home.\n\n"
        "Share this:",
    },
    {
        "id": "orchard",
        "source": "a.example",
        "title": "Frost damages apple blossom across the valley",
        "text": "A late frost damaged apple blossom across the valley on Thursday night, growers said.\n\n"
        "Temperatures fell to minus four degrees in the lower orchards, where the blossom was furthest on.\n\n"
        "The striker scored twice in the second half as the home side won the cup final.\n\n"
        "Growers expect a smaller harvest and higher prices for local apples this autumn.",
    },
    {
        "id": "library",
        "source": "b.example",
        "title": "Town library extends its opening hours",
        "text": "The town library will open until eight in the evening on weekdays from next month.\n\n"
        "The council said the longer hours were paid for by savings on heating after new windows were fitted.\n\n"
        "Students had asked for more evening study space during the exam season.",
    },
]


@pytest.mark.slow
def test_explore_notebook_runs_on_a_corpus_without_the_fixture_ids(tmp_path):
    """The notebook says: swap FIXTURES for your own file. That must run too (no fixture ids, real sources)."""
    import json

    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    corpus = tmp_path / "mine.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in OWN_CORPUS), encoding="utf-8")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    setup = next(c for c in notebook.cells if "FIXTURES = " in c.source)
    line = next(x for x in setup.source.splitlines() if x.startswith("FIXTURES = "))
    setup.source = setup.source.replace(line, f"FIXTURES = Path({str(corpus)!r})")
    client = nbclient.NotebookClient(
        notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOK.parent)}}
    )
    client.execute()  # raises CellExecutionError on any failing cell (a KeyError on a fixture id)
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    html = " ".join(o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {}))
    assert "a.example" in html and "b.example" in html and "damaged fixtures" not in html
