"""Bad and awkward inputs for the safety tests, derived from the seed documents in raw/.

Each builder returns bytes (what lands in raw/) so the tests exercise the real reader:
encodings, BOMs, NUL bytes and cut-off text are all decided by budget_extraction.source.
"""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "raw"
# The seeds whose extraction passes the gate on its own (001 still has unreadable indicators).
SEED_A = "000_df7f9757fe457667"  # 2026 budget, 表 5-1 一般公共预算支出表 at lines 277-307
SEED_B = "002_59fd46f20b32f4cf"
SEED_C = "003_305331944a1f3ba9"
SEED_D = "004_f083e30e185bc13b"  # 2024 budget, 表6 一般公共预算基本支出表 at lines 258-292
GOOD_SEEDS = [SEED_A, SEED_B, SEED_C, SEED_D]

TRUNCATED_AT = 290  # inside 表 5-1 of SEED_A: its last line is this one
NOT_A_DISCLOSURE = (
    "江城晚报 2025年3月2日\n\n"
    "春天来了，东湖边的樱花陆续开放，市民纷纷前往赏花。\n"
    "据气象部门预报，本周末天气晴好，适宜出行。\n"
    "交通部门提醒，景区周边道路车流较大，请绿色出行。\n"
)
BINARY = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256)) * 8


def seed_text(document_id: str) -> str:
    return (SEEDS / f"{document_id}.txt").read_text("utf-8")


def seed_bytes(document_id: str) -> bytes:
    return (SEEDS / f"{document_id}.txt").read_bytes()


def gb18030(document_id: str) -> bytes:
    return seed_text(document_id).encode("gb18030")


def with_bom(document_id: str) -> bytes:
    return b"\xef\xbb\xbf" + seed_bytes(document_id)


def truncated_in_table() -> bytes:
    """SEED_A cut off in the middle of its 一般公共预算支出表 (the file ends at TRUNCATED_AT)."""
    lines = seed_text(SEED_A).split("\n")
    return "\n".join(lines[:TRUNCATED_AT]).encode("utf-8")


def revised() -> bytes:
    """A corrected re-issue of SEED_A: same department, year, stage and scope, one sentence changed."""
    text = seed_text(SEED_A)
    lines = text.split("\n")
    for number, line in enumerate(lines):
        if line.strip() and number > 5 and not any(ch.isdigit() for ch in line) and len(line.strip()) > 15:
            lines[number] = line + "（修订）"
            break
    else:  # pragma: no cover - the seed always has narrative text
        raise AssertionError("no narrative line to revise")
    return "\n".join(lines).encode("utf-8")


def missing_core_table() -> bytes:
    """SEED_D for another (made-up) department, without its 一般公共预算基本支出表 (表6)."""
    lines = seed_text(SEED_D).split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("表6. "))
    end = next(i for i, line in enumerate(lines) if line.startswith("表7. "))
    kept = lines[:start] + lines[end:]
    return "\n".join(kept).replace("汉阳区医疗保障局", "汉阳区测试保障局").encode("utf-8")
