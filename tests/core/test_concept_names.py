"""How concepts are named and merged, on constructed inputs: a name led by one letter or a digit stays whole
("chest X-ray", not "chest ray"), versions of one family stay apart while spellings of one name join, and
an acronym only the papers that coined it write is a system's name, not a concept."""

from __future__ import annotations

import numpy as np
import pytest

RADIOLOGY = [
    "Chest X-ray images are read by a U-Net; T-cell counts and k-means clustering follow.",
    "We segment chest X-ray scans with a U-Net and 3D reconstruction of the lungs.",
    "A chest X-ray benchmark: k-means clustering of T-cell markers and 3D reconstruction.",
    "E-commerce search with k-means clustering and a U-Net; chest X-ray triage in e-commerce clinics.",
    "Our 7B model runs 10x faster on e-commerce logs and 3D reconstruction of T-cell shapes.",
    "Returns in e-commerce are predicted from product photos.",
]
FILLER = [f"Graph theory note {i} on planar embeddings and spectral bounds." for i in range(60)]


@pytest.mark.parametrize("text,expected", [
    ("Chest X-ray images", ["Chest", "X-ray", "images"]),
    ("T-cell and k-means and e-commerce and U-Net++", ["T-cell", "and", "k-means", "and", "e-commerce", "and", "U-Net"]),
    ("3D Gaussian splatting (3DGS) is 3D-aware", ["3D", "Gaussian", "splatting", "3DGS", "is", "3D-aware"]),
    ("Qwen2.5 beats Qwen2 and GPT-4.1 with 4-bit weights", ["Qwen2.5", "beats", "Qwen2", "and", "GPT-4.1", "with",
                                                            "4-bit", "weights"]),
    ("a 7B model, 10x faster in 2024 by 3.5 points, 1-2 layers", ["model", "faster", "in", "by", "points", "layers"]),
    ("a bird's-eye-view map of x and y", ["bird", "eye-view", "map", "of", "and"]),
])
def test_words_keep_a_one_letter_or_digit_prefix_and_drop_amounts(text, expected):
    from gapscope.concepts.tokens import words

    assert words(text) == expected


def test_the_vocabulary_and_its_display_keep_chest_x_ray_whole():
    """The 10,653-paper library had a concept "chest ray": the token pattern wanted two letters before a
    hyphen, so "X-" was dropped (and "k-", "T-", "e-", "U-", and "3D" entirely)."""
    from gapscope.concepts.extract import candidate_vocabulary, display_form, keep_phrase, surface_forms
    from gapscope.concepts.fragments import token_streams
    from gapscope.concepts.quality import text_mentions

    docs = RADIOLOGY + FILLER
    vocab = set(candidate_vocabulary(docs, min_df=3, max_df=0.2))
    assert {"chest x-ray", "k-means clustering", "t-cell", "e-commerce", "u-net", "3d reconstruction"} <= vocab
    assert not {"chest ray", "means clustering", "ray", "cell", "commerce", "net", "reconstruction 7b"} & vocab
    assert not keep_phrase("3d") and not keep_phrase("reconstructing 3d")    # a modifier without its noun
    forms = surface_forms(docs)
    assert display_form("chest x-ray", forms) == "chest X-ray"
    assert display_form("3d reconstruction", forms) == "3D reconstruction"
    assert display_form("k-means clustering", forms) == "k-means clustering"
    # the fragment check and the text-mention check read the same words
    assert token_streams(["Chest X-ray of a T-cell"]) == [["chest", "x-ray", "t-cell"]]

    class C:
        def __init__(self, cid, phrase):
            self.id, self.phrase, self.synonyms = cid, phrase, []

    found = text_mentions([C(1, "chest X-ray"), C(2, "chest ray")], dict(enumerate(RADIOLOGY)))
    assert found[1] == {0, 1, 2, 3} and found[2] == set()


def _near(base: np.ndarray, k: int, rng) -> np.ndarray:
    v = base + 0.05 * rng.standard_normal(base.shape)
    return v / np.linalg.norm(v)


def test_versions_of_one_family_stay_apart_and_spellings_of_one_name_join():
    """YOLOv8's synonyms held yolov5 and yolov9, SAM2's sam3: their vectors are as close as vectors get."""
    from gapscope.concepts.merge import merge_phrases

    rng = np.random.default_rng(0)
    dim = 32
    yolo, sam, gs, det, far = (rng.standard_normal(dim) for _ in range(5))
    rows = [("yolov8", yolo, 30), ("yolov5", yolo, 20), ("yolov9", yolo, 10), ("yolo-v8", yolo, 5),
            ("yolo v8", far, 4),              # the same spelling, a vector far away: joins all the same
            ("yolo", yolo, 25), ("yolov8n", yolo, 3),
            ("sam2", sam, 20), ("sam3", sam, 8),
            ("gaussian splatting", gs, 40), ("3d gaussian splatting", gs, 30), ("2d gaussian splatting", gs, 6),
            ("gpt-4", sam, 15), ("gpt-4o", sam, 14), ("gpt4", sam, 2),
            ("3d object detection", det, 20), ("2d object detection", det, 10)]
    phrases = [p for p, _, _ in rows]
    vecs = np.stack([_near(v, k, rng) for k, (_, v, _) in enumerate(rows)]).astype(np.float32)
    sims = vecs @ vecs.T
    assert sims[0, 1] > 0.95 and sims[7, 8] > 0.95 and sims[0, 4] < 0.5
    lead = merge_phrases(phrases, vecs, [n for _, _, n in rows])
    group = {p: phrases[lead[i]] for i, p in enumerate(phrases)}
    assert len({group[p] for p in ("yolov8", "yolov5", "yolov9", "yolo")}) == 4
    assert group["yolo-v8"] == group["yolo v8"] == "yolov8" != group["yolov8n"]
    assert group["sam2"] == "sam2" and group["sam3"] == "sam3"
    assert group["3d gaussian splatting"] == "gaussian splatting"     # a leading number on one side only
    assert group["2d gaussian splatting"] == "2d gaussian splatting"   # ... but one group, one leading number
    assert group["gpt4"] == "gpt-4" != group["gpt-4o"]
    assert group["2d object detection"] == "2d object detection"       # 2D and 3D are two things


def test_the_numbers_of_a_phrase():
    from gapscope.concepts.merge import numbers, same_numbers

    assert numbers("YOLOv8") == numbers("yolo-v8") == numbers("yolo v8") == (("8",), ())
    assert numbers("Qwen2.5-VL") == (("2.5",), ()) and numbers("3D Gaussian splatting") == ((), ("3",))
    assert numbers("GPT-4o") == (("4o",), ()) and numbers("Llama-3-8B") == (("3", "8b"), ())
    assert numbers("4-bit 3DGS") == ((), ("3", "4"))
    assert not same_numbers(numbers("SAM"), numbers("SAM2"))
    assert not same_numbers(numbers("Qwen2"), numbers("Qwen2.5"))
    assert same_numbers(numbers("splatting"), numbers("3D splatting"))
    assert not same_numbers(numbers("2D detection"), numbers("3D detection"))


def _concept(cid, phrase, papers):
    from gapscope.concepts.model import Concept

    return Concept(cid, "method", phrase, [], np.zeros(4, np.float32), {p: "method" for p in papers})


def test_an_acronym_only_the_papers_that_coined_it_write_names_a_system():
    """"DIVE" on the 10,653-paper library: two papers' systems of that name and three papers that "dive
    into" a topic; "LoRA" is written by papers that did not coin it."""
    from gapscope.concepts.acronyms import coins, read_acronyms

    texts = {1: "DIVE: Scaling Diversity in Agentic Task Synthesis. We propose DIVE, a recipe that inverts synthesis.",
             2: "\u201cDIVE\u201d into Hydrogen Storage Materials Discovery. Agents search materials.",
             3: "Wide Research via Multi-Agent Scaling. We take a deep dive into wide research.",
             4: "Visual Document Retrieval. We dive into the methods and their evolution.",
             5: "Image-to-Video Models. We dive deeper into motion control.",
             6: "Efficient Tuning. We fine-tune with LoRA on eight tasks.",
             7: "LoRA-X: a new adapter. We introduce LoRA-X, which extends LoRA to many tasks.",
             8: "Adapters at Scale. LoRA adapters are merged after training."}
    dive, lora = _concept(1, "DIVE", [1, 2, 3, 4, 5]), _concept(2, "LoRA", [6, 7, 8])
    got = read_acronyms([dive, lora], texts)
    assert got[1].users == 0 and got[1].system_name and got[1].to_dict()["users"] == 0
    assert got[2].users == 3 and not got[2].system_name
    assert coins(texts[1], "DIVE") and coins(texts[2], "DIVE") and not coins(texts[3], "DIVE")
    assert coins("X. We propose a novel framework, called SAGE, for graphs.", "SAGE")
    assert not coins("X. The recently proposed GRPO is used.", "GRPO")


def test_phrases_with_different_heads_or_an_acronym_and_another_name_stay_apart():
    """"adversarial attacks" held "adversarial networks" (cosine 0.90) and "LSTM" held "short term memory":
    two things of one field, however close their vectors."""
    from gapscope.concepts.merge import merge_phrases

    rng = np.random.default_rng(1)
    dim = 32
    adv, lstm, det = (rng.standard_normal(dim) for _ in range(3))
    rows = [("adversarial attacks", adv, 50), ("adversarial networks", adv, 20), ("adversarial attack", adv, 10),
            ("lstm", lstm, 40), ("short term memory", lstm, 12),
            ("lstm networks", lstm, 5), ("lstms", lstm, 4),
            ("object detection", det, 30), ("object detectors", det, 8), ("object tracking", det, 7)]
    phrases = [p for p, _, _ in rows]
    vecs = np.stack([_near(v, k, rng) for k, (_, v, _) in enumerate(rows)]).astype(np.float32)
    heads = {w: rng.standard_normal(dim) for w in ("attacks", "networks", "attack", "memory", "detection",
                                                    "detectors", "tracking")}
    heads["detectors"] = heads["detection"] + 0.1 * rng.standard_normal(dim)     # words of one meaning
    heads = {w: v / np.linalg.norm(v) for w, v in heads.items()}
    written = {"lstm": "LSTM", "lstms": "LSTMs"}
    lead = merge_phrases(phrases, vecs, [n for _, _, n in rows], written=written, head_vecs=heads)
    group = {p: phrases[lead[i]] for i, p in enumerate(phrases)}
    assert group["adversarial attack"] == "adversarial attacks" != group["adversarial networks"]
    assert group["short term memory"] == "short term memory"
    assert group["lstm networks"] == group["lstms"] == "lstm"
    assert group["object detectors"] == "object detection" != group["object tracking"]
    # without the written forms an acronym is not known: only the heads are read
    lead = merge_phrases(phrases, vecs, [n for _, _, n in rows])
    assert phrases[lead[phrases.index("adversarial networks")]] == "adversarial networks"


def test_the_head_word_of_a_phrase():
    from gapscope.concepts.merge import head_word, same_head

    assert head_word("large language models llms") == "models"
    assert head_word("instruction fine-tuning") == "tuning" and head_word("LoRA") == "lora"
    assert same_head("language models", "language modeling") and same_head("diffusion", "diffusion models")
    assert not same_head("adversarial attacks", "adversarial networks")
    # word order, a head noun any name ends in, a trailing acronym: one thing, as before
    assert same_head("visual reasoning", "reasoning visual") and same_head("flow matching", "flow matching models")
    assert same_head("gaussian splatting 3dgs", "3d gaussian splatting")
    assert not same_head("remote sensing", "remote sensing imagery")


def test_an_acronym_joins_itself_a_phrase_holding_it_or_its_expansion():
    from gapscope.concepts.merge import acronym_joins

    assert acronym_joins("LSTM", "long short-term memory") and acronym_joins("LLMs", "large language models")
    assert acronym_joins("LLM", "LLMs") and acronym_joins("LSTM networks", "LSTM")
    assert not acronym_joins("LSTM", "short term memory") and not acronym_joins("LLMs", "language models")
    assert not acronym_joins("MLLMs", "LLMs") and acronym_joins("diffusion models", "denoising diffusion")


def test_an_acronym_joins_an_expansion_whose_initials_are_its_letters():
    # the letter match takes the shortest run ("supervised learning" for SSL) and reads a lead "in" as a
    # little word: neither stops an expansion whose words' initials are the acronym
    from gapscope.concepts.merge import acronym_joins

    assert acronym_joins("SSL", "self-supervised learning") and acronym_joins("ICL", "in-context learning")
    assert acronym_joins("ICL", "in context learning")
    assert not acronym_joins("ICL", "context learning") and not acronym_joins("ICL", "in-context")
