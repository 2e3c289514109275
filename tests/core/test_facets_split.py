import re

from .facets_helpers import arxiv_records

from gapscope.facets import split_sentences


def texts(t):
    return [s.text for s in split_sentences(t)]


def test_offsets_point_into_the_text_and_wraps_are_collapsed(shared_data):
    for title, abstract in arxiv_records(str(shared_data), 200):
        sents = split_sentences(abstract)
        assert sents, title
        prev = 0
        for s in sents:
            assert s.start >= prev and s.end > s.start
            assert " ".join(abstract[s.start:s.end].split()) == s.text
            assert "\n" not in s.text
            prev = s.end
        # nothing but whitespace is lost between sentences
        covered = "".join(abstract[s.start:s.end] for s in sents)
        assert re.sub(r"\s", "", covered) == re.sub(r"\s", "", abstract)


def test_hard_line_wraps_do_not_split():
    t = "We propose a new method for\nsparse attention that scales\nlinearly. It beats the\nbaseline."
    assert texts(t) == ["We propose a new method for sparse attention that scales linearly.", "It beats the baseline."]


def test_abbreviations_do_not_split():
    t = ("Prior work (e.g. Smith et al. 2020) uses priors, i.e. Gaussian ones. As shown in Fig. 3 and Eq. 2, "
         "the error drops vs. the baseline of J. Doe. We conclude.")
    assert texts(t) == ["Prior work (e.g. Smith et al. 2020) uses priors, i.e. Gaussian ones.",
                        "As shown in Fig. 3 and Eq. 2, the error drops vs. the baseline of J. Doe.", "We conclude."]


def test_latex_is_kept_whole():
    t = r"Let $f(x) = x. Y$ be smooth. We show $\mathcal{O}(n^{1.5})$ bounds. Done."
    assert texts(t) == [r"Let $f(x) = x. Y$ be smooth.", r"We show $\mathcal{O}(n^{1.5})$ bounds.", "Done."]


def test_numbered_lists():
    t = "Our contributions are:\n1. A new loss.\n2. A benchmark (see Sec. 4).\n3. Code. Results follow."
    assert texts(t) == ["Our contributions are:", "1. A new loss.", "2. A benchmark (see Sec. 4).", "3. Code.",
                        "Results follow."]
    inline = "We make three contributions: (1) a model; (2) a dataset. Finally, we release code."
    assert texts(inline) == ["We make three contributions: (1) a model; (2) a dataset.", "Finally, we release code."]


def test_real_abstracts_with_latex_and_abbreviations(shared_data):
    seen_latex = seen_abbrev = 0
    for _, abstract in arxiv_records(str(shared_data), 2000):
        sents = split_sentences(abstract)
        for s in sents:
            # no sentence ends inside inline math: every sentence has balanced single dollars
            if "$" in abstract and abstract.count("$") % 2 == 0:   # odd: a price such as "$4"
                assert s.text.replace("$$", "").count("$") % 2 == 0, s.text
            assert not re.search(r"\b(?:e\.g|i\.e|et al|Fig|Eq)\.$", s.text), s.text
        seen_latex += "$" in abstract
        seen_abbrev += bool(re.search(r"\b(?:e\.g\.|i\.e\.|et al\.)", abstract))
    assert seen_latex > 20 and seen_abbrev > 20
