"""Concepts: canonical method and problem phrases ("Gaussian splatting", "medical image segmentation")
extracted by KeyBERT from the method / objective / result / shortcoming sentences of each abstract, merged
by meaning (their embeddings), each with its papers. Map clusters stay the coarse layer above them."""

from .extract import SIDE_OF_ROLE, extract_concepts, keyphrases, side_of
from .merge import merge_phrases
from .model import Concept, ConceptSet, load_concept_set

__all__ = ["SIDE_OF_ROLE", "Concept", "ConceptSet", "extract_concepts", "keyphrases", "load_concept_set",
           "merge_phrases", "side_of"]
