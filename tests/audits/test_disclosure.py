"""The disclosure rules on their own: stand-ins for small record values, threshold and
secondary suppression, the cell key noise, and partitions of a known total."""

import pytest

from workspace.services import disclosure
from workspace.services.disclosure import Entry, figure

T = 5


def test_a_small_record_value_enters_as_a_stand_in_that_does_not_depend_on_it(app):
    stand_ins = {disclosure.entry("need", 7, value, T) for value in (1, 2, 3, 4)}
    assert len(stand_ins) == 1
    key, value = stand_ins.pop()
    assert 1 <= value <= 4 and 0 <= key < disclosure.BASE
    assert disclosure.entry("need", 7, 9, T) == Entry(key, 9)  # at the threshold or over: as is
    assert disclosure.entry("need", 7, 0, T).value == 0
    assert disclosure.entry("need", 7, None, T).value == 0


def test_keys_are_stable_and_differ_between_records(app):
    assert disclosure.entry("need", 1, 50, T) == disclosure.entry("need", 1, 50, T)
    keys = {disclosure.entry("need", n, 50, T).key for n in range(1, 60)}
    assert len(keys) > 30  # spread over 0..255


def test_the_threshold_is_never_under_five():
    assert disclosure.threshold_of(1) == 5 and disclosure.threshold_of(None) == 5
    assert disclosure.threshold_of(8) == 8


@pytest.mark.parametrize("raw", [1, 2, 3, 4])
def test_small_cells_are_suppressed(raw):
    f = figure([Entry(10, raw)], T)
    assert f.suppressed and str(f) == "<5" and f.words == "fewer than 5"


def test_zero_is_shown_as_zero_without_noise():
    f = figure([Entry(200, 0)], T)
    assert (str(f), f.suppressed) == ("0", False)


def test_the_noise_follows_the_perturbation_table():
    assert [disclosure.noise(k) for k in (0, 25, 26, 76, 77, 178, 179, 229, 230, 255)] == [
        -2, -2, -1, -1, 0, 0, 1, 1, 2, 2]
    # Over the 256 cell keys, the noise averages 0.
    assert sum(map(disclosure.noise, range(disclosure.BASE))) in range(-3, 4)


def test_the_cell_key_is_the_sum_of_record_keys_mod_256():
    one = figure([Entry(200, 30), Entry(100, 20)], T)  # cell key 44: noise -1
    assert one.shown == 49
    assert figure([Entry(100, 20), Entry(200, 30)], T) == one  # the same records, same figure
    assert figure([Entry(200, 30), Entry(101, 20), Entry(0, 0)], T).shown == 49  # key 45
    assert figure([Entry(250, 30), Entry(100, 20)], T).shown == 50  # key 94: noise 0


def test_a_shown_figure_is_never_under_the_threshold():
    assert figure([Entry(0, 5)], T).shown == 5  # noise -2, floored at 5


def test_totals_hide_what_subtraction_would_reveal():
    shown, hidden = figure([Entry(90, 40)], T), figure([Entry(1, 3)], T)
    assert hidden.suppressed and not shown.suppressed
    assert figure([Entry(90, 40), Entry(1, 3)], T, [shown, hidden]).suppressed
    two = [figure([Entry(1, 3)], T), figure([Entry(2, 4)], T), shown]
    assert not figure([Entry(93, 47)], T, two).suppressed  # 7 hidden: no one cell given away
    assert figure([Entry(1, 4)], 10).words == "fewer than 10"


def test_a_partition_of_a_known_total_never_hides_a_single_cell():
    cells = [figure([Entry(1, n)], T) for n in (20, 3, 9, 0)]
    out = disclosure.partition(cells, T)
    assert [f.suppressed for f in out] == [False, True, True, False]  # 9 hidden beside the 3
    small_two = [figure([Entry(1, n)], T) for n in (1, 2, 30, 40)]
    out = disclosure.partition(small_two, T)
    assert [f.suppressed for f in out] == [True, True, True, False]  # 1 + 2 is still small
    none_hidden = [figure([Entry(1, n)], T) for n in (10, 20)]
    assert disclosure.partition(none_hidden, T) == none_hidden
