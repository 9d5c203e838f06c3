"""Reading a document costs time in proportion to its size, not to its square.

A seed repeated 8 and 32 times is read whole (every table of every copy). The ratio of the two
extraction times (CPU time of this process, so other load on the machine matters little) is
bounded, not the times themselves: 4x the text must cost well under the 16x a per-table rescan
of the whole document would (it once did: the 三公 table's stage re-read the document's metadata).
"""

import time

from budget_extraction import extract_document
from budget_extraction.source import source_from_text
from tests._safety_support import SEED_A, seed_text

SMALL, LARGE = 8, 32
# Linear reading gives about 4; a quadratic one about 16. Generous, so that noise never fails it.
MAX_RATIO = 8.0


def extraction_seconds(copies: int) -> tuple[float, int]:
    document = source_from_text("\n".join([seed_text(SEED_A)] * copies), f"repeated_{copies}.txt")
    started = time.process_time()
    extraction = extract_document(document)
    return time.process_time() - started, len(extraction.expenditure_lines)


def test_extraction_time_grows_linearly_with_the_document():
    extraction_seconds(1)  # warm-up: imports, compiled patterns
    small, small_lines = extraction_seconds(SMALL)
    large, large_lines = extraction_seconds(LARGE)
    assert large_lines == small_lines * LARGE // SMALL  # every copy's tables are read
    assert large / small < MAX_RATIO, (small, large)
