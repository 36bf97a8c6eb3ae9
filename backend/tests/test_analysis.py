"""The analysis pipeline's progress arithmetic (the stages themselves run in test_analysis_job.py)."""

from __future__ import annotations

import pytest

from spaceclip.services.analysis import STAGES, overall, within_stage


@pytest.mark.parametrize("stage", [name for name, _, _ in STAGES])
@pytest.mark.parametrize("fraction", [0.0, 0.25, 0.5, 1.0])
def test_within_stage_undoes_overall(stage: str, fraction: float) -> None:
    assert within_stage(stage, overall(stage, fraction)) == pytest.approx(fraction, abs=1e-3)


def test_within_stage_clamps_to_its_own_stage() -> None:
    assert within_stage("highlights", 0.5) == 0.0 and within_stage("probe", 0.5) == 1.0
    with pytest.raises(ValueError, match="unknown stage"):
        within_stage("render", 0.5)
