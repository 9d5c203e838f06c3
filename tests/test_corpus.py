"""Corpus decisions: duplicates, revisions, stale and removed documents, independent of order."""
import itertools

from orchestration.corpus import Candidate, decide

IDENTITY = ("某区医疗保障局", "某市某区", 2025, "budget", "entity")


def candidate(document_id, sha="a", status="ok", identity=IDENTITY, modified=1.0, present=True, has_rows=True):
    return Candidate(document_id, f"{document_id}.txt", status, sha, None if status == "ok" else "bad bytes",
                     None, has_rows, identity, modified, present)


def statuses(candidates):
    return {d.document_id: (d.status, d.load) for d in decide(candidates)}


def test_same_bytes_twice_loads_once_whatever_the_order():
    docs = [candidate("b_copy"), candidate("a_original")]
    for order in itertools.permutations(docs):
        assert statuses(list(order)) == {"a_original": ("loaded", True), "b_copy": ("duplicate", False)}


def test_revision_replaces_older_version():
    older = candidate("v1", sha="x", modified=1.0)
    newer = candidate("v2", sha="y", modified=2.0)
    assert statuses([newer, older]) == {"v1": ("superseded", False), "v2": ("loaded", True)}


def test_failed_document_keeps_last_good_rows_as_stale():
    assert statuses([candidate("d", status="quarantined", has_rows=True)]) == {"d": ("stale", True)}
    assert statuses([candidate("d", status="quarantined", has_rows=False)]) == {"d": ("quarantined", False)}


def test_removed_file_is_reported_not_loaded():
    assert statuses([candidate("gone", present=False)]) == {"gone": ("removed", False)}


def test_different_departments_are_not_revisions():
    other = ("另一局", "某市某区", 2025, "budget", "entity")
    assert statuses([candidate("a", sha="1"), candidate("b", sha="2", identity=other)]) == {
        "a": ("loaded", True), "b": ("loaded", True)}


def test_same_text_in_another_encoding_is_a_duplicate_not_a_revision():
    utf8 = candidate("a_utf8", sha="bytes-1")
    gbk = candidate("b_gbk", sha="bytes-2", modified=5.0)
    utf8 = utf8.__class__(**{**utf8.__dict__, "text_sha256": "same-text"})
    gbk = gbk.__class__(**{**gbk.__dict__, "text_sha256": "same-text"})
    decisions = {d.document_id: d for d in decide([gbk, utf8])}
    assert (decisions["a_utf8"].status, decisions["b_gbk"].status) == ("loaded", "duplicate")
    assert "another encoding" in decisions["b_gbk"].detail
