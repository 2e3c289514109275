"""The words the whole core shares: sentence roles and shortcomings, map facets, embedding kinds, triage decisions.

One place for each set, importable without numpy (the CLI builds its choices from it at start-up).
The database checks the same words (store/schema.py CHECK constraints); tests/core/test_vocabulary.py
keeps the two in step."""

from __future__ import annotations

# The five rhetorical roles of CSAbstruct, in the order of the facet head's role outputs.
SENTENCE_ROLES = ("background", "objective", "method", "result", "other")

# A sentence's shortcoming type, in the order of the shortcoming head's outputs: none; a shortcoming of
# prior work; an open problem of the field; a limitation of the paper itself.
SHORTCOMINGS = ("none", "prior", "open", "own")

# What each shortcoming type is called where a reader sees it (the Reader's tags, the report's quotes).
SHORTCOMING_NAMES = {"own": "own limitation", "prior": "prior work", "open": "open problem"}


def sentence_tag(role: str | None, shortcoming: str | None) -> str:
    """A labelled sentence's role and shortcoming type as one tag ("method · own", "background"); ""
    when the sentence is not labelled."""
    short = shortcoming if shortcoming not in (None, "", "none") else ""
    return " · ".join(x for x in (role or "", short) if x)



def correction_labels(correction, none: str = "") -> str:
    """What a facet correction (a mapping with "role" and "shortcoming", either empty) sets, as every
    message about one names it: "role method, shortcoming own", "role result"; ``none`` when it sets neither."""
    return ", ".join(f"{k} {correction[k]}" for k in ("role", "shortcoming") if correction.get(k)) or none

# A gap's evidence papers by role, as the Gaps view, `gaps show` and the report name and order them.
GAP_ROLE_NAMES = {"both": "Already did both", "method": "Method side", "problem": "Problem side",
                  "neighbour": "Predicting neighbours", "shortcoming": "States the shortcoming",
                  "addresses": "Addresses it", "region": "In the region", "closest": "Closest existing work"}

# What a gap's score is, said the same way wherever a score is explained (the report, `gaps show`, the Gaps
# view; gaps/standing.py makes it).
SCORE_MEANING = ("The score (0 to 1) is a gap's standing among the gaps of its own kind found in the same run: 1 for "
                 "the strongest of that kind, 0.5 halfway down. A score is a ranking, not a probability.")

GAP_ROLE_ORDER = ("both", "method", "problem", "neighbour", "shortcoming", "addresses", "region")

# What a correction may set a sentence's role to (a shortcoming is corrected on its own).
FACET_LABELS = SENTENCE_ROLES

# What `annotate correct-facet` accepts: a role, a shortcoming type, or "limitation" (= shortcoming own).
CORRECTION_LABELS = SENTENCE_ROLES + SHORTCOMINGS + ("limitation",)

# The facet texts of a paper: its method sentences, its result sentences, and its shortcoming
# sentences (any type but none), each joined in order.
FACET_TEXT_LABELS = ("method", "result", "shortcoming")

# What the vector cache embeds per paper: the whole abstract, and each facet text.
EMBED_KINDS = ("abstract",) + FACET_TEXT_LABELS

# The maps built per library; "topic" maps whole abstracts.
MAP_FACETS = ("topic",) + FACET_TEXT_LABELS

# The full-text sections whose shortcoming sentences join a paper's shortcoming facet (beside its
# abstract's) when it has an attached, labelled PDF: where papers state their limitations and open ends.
FULLTEXT_SHORTCOMING_SECTIONS = ("limitations", "discussion", "future_work", "conclusion")

# Which embedding kind each map facet reads.
MAP_FACET_EMBED_KIND = {"topic": "abstract", **{label: label for label in FACET_TEXT_LABELS}}

# Triage decisions; "postpone" puts a paper back for later and labels nothing.
DECISIONS = ("include", "exclude", "maybe", "postpone")

# The decisions that label a paper relevant (1) or not (0) for the ranker.
LABELLING_DECISIONS = ("include", "exclude")

# Concept quality (gapscope.concepts.quality). Words that end or start a sentence fragment, never a concept
# ("dataset containing"); singular forms.
CONCEPT_CONNECTIVES = frozenset("""
containing contain consisting consist comprising comprise involving involve including include requiring
require spanning covering featuring yielding using use based via across toward towards
without within among regarding concerning such etc
""".split())
# Evaluation measures and references: a phrase made only of these (and head nouns) says how results are
# scored ("f1 score", "ground truth", "PSNR"), not what a paper addresses.
CONCEPT_MEASURES = frozenset("""
accuracy f1 f1-score score precision recall auc roc auroc auprc bleu rouge meteor cider psnr ssim lpips fid
mae mse rmse iou miou error rate ground truth metric measure perplexity top-1 top-5 pass@1 exact match em
mean average success win hit acceptance
""".split())
# The head of a measure a result is scored by ("answer accuracy", "dice score", "macro-F1", "automated
# metrics"): as a problem, the problem is what it scores. "X rate" and "X error" are measures when X is one
# of the words after them ("attack success rate", "word error rate", "mean absolute error"); a rate of a
# behaviour ("hallucination rates") or an error made ("compounding errors") is a problem. Singular, lower case.
CONCEPT_METRIC_HEADS = frozenset("""
accuracy f1 f1-score macro-f1 micro-f1 score auc auroc auprc iou miou bleu rouge meteor cider psnr ssim lpips
fid mae mse rmse perplexity metric top-1 top-5 pass@1
""".split())
CONCEPT_METRIC_RATE_WORDS = frozenset("""
success error positive negative acceptance win hit pass
""".split())
CONCEPT_METRIC_ERROR_WORDS = frozenset("""
mean absolute squared root word character relative average median
""".split())
# The heads of task names ("motion generation", "survival prediction"), singular, lower case: "<task> methods"
# are methods for the task (concepts/roles.py).
CONCEPT_TASK_HEADS = frozenset("""
generation synthesis recognition detection segmentation prediction estimation classification editing
reconstruction retrieval tracking translation captioning answering summarization forecasting planning
localization understanding completion restoration enhancement
""".split())
# Verbs a phrase cut from a sentence ends in ("LLMs excel", "current methods struggle"): the subject of a
# claim, not a concept (singular forms, as the quality rules compare them).
CONCEPT_CLAUSE_VERBS = frozenset("""
excel struggle fail achieve remain outperform exhibit suffer enable demonstrate perform
""".split())
# One word that names no method nor problem of its own, however often KeyBERT picks it: a word of every
# paper ("evidence", "questions", "users"), a quality any method may have ("robustness", "reliability"), a
# step of any study ("benchmarking", "annotations"). Compared singular; with a modifier ("adversarial
# robustness", "image annotation") a phrase stays (concepts/word_forms.py).
CONCEPT_GENERIC_WORDS = frozenset("""
evidence question answer user robustness benchmarking annotation parameter diversity reliability complexity
error instance environment behavior behaviour similarity addition importance relevance requirement condition
element combination capacity variation probability sensitivity stability identity granularity methodology
decision description sentence document layer dimension cluster interaction simulation selection scoring
building leading resulting spanning maintaining precision fidelity interpretation expression character
entity function sequence action vector position instruction conversation confidence coherence intelligence
frontier assessment deployment testing consistency capability accessibility usability scalability
applicability feasibility transparency accountability
comprising underlying yielding focusing handling answering
""".split())
# One word that is a technique or a problem though its form reads as a participle or a verb (concepts/
# word_forms.py): "editing" is no "edition", "probing" no "probation"
CONCEPT_ONE_WORD_TERMS = frozenset("""
editing probing sensing attention
""".split())
# Head nouns that any method or problem phrase may end in; they say nothing of what it is about, so two
# phrases that differ only by them ("diffusion transformer", "diffusion models") name one area.
CONCEPT_HEAD_NOUNS = frozenset("""
model network method approach framework system technique algorithm architecture benchmark dataset data task
problem pipeline module tool paradigm strategy setting scenario application
""".split())
# Properties: nouns that name a quality something has ("fidelity", "latency"), not a task or an object. A
# concept made of these and adjectives ("visual fidelity", "semantic consistency", "failure modes") names a
# quality of unnamed things: neither a method nor a problem a proposal can address (singular forms).
# Robustness, generalisation and interpretability are left out: "adversarial robustness", "compositional
# generalization" and "mechanistic interpretability" are research problems of their own.
CONCEPT_PROPERTIES = frozenset("""
quality fidelity consistency coherence efficiency latency speed performance diversity realism stability
reliability scalability faithfulness controllability correctness plausibility naturalness smoothness sharpness fluency
transferability usability trustworthiness capability behavior behaviour failure mode limitation
effectiveness expressiveness expressivity accuracy cost overhead throughput sensitivity fairness
""".split())
# Adjectives without an adjective ending (suffixes in concepts/quality.py), and nouns with one ("retrieval",
# "logic", "objective") that are no adjective.
CONCEPT_PLAIN_ADJECTIVES = frozenset("""
high low good bad fast slow strong weak robust long short large small fine coarse overall real true
accurate efficient consistent coherent relevant different diverse complex simple general key main
""".split())
# The second part of a compound modifier that no adjective ending marks: "AI-driven", "model-agnostic",
# "task-specific", "training-free", "token-level", "human-like" name how a thing is, not the thing.
CONCEPT_MODIFIER_TAILS = frozenset("""
driven aware centric agnostic specific free level wise like friendly intensive
""".split())
CONCEPT_NOT_ADJECTIVES = frozenset("""
retrieval signal removal interval trial portal survival arrival terminal manual potential material animal
proposal rehearsal renewal disposal approval journal music logic topic traffic clinic metric rubric
arithmetic mechanic graphic objective alternative incentive archive directive perspective initiative
primitive narrative representative table variable cable hundred anomaly family assembly supply monopoly
butterfly italy rally early critic harmonic
""".split())
# A phrase led by a comparative names a wanted change of some quality ("faster inference", "improved
# performance"), not what it is a quality of.
# Words a map label term may not lead with: they rank or praise a thing ("newer models", "frontier models",
# "diverse data") instead of naming it. Map labels only (concepts/label_terms.py).
LABEL_VAGUE_LEADS = frozenset("""
new newer newest latest modern recent current existing frontier diverse various meaningful next
""".split())
# Verbs that end a clause cut out of a sentence ("findings underscore", "results highlight"): no name for a
# cluster. Map labels only (concepts/label_terms.py); CONCEPT_CLAUSE_VERBS holds the gap ends'.
LABEL_CLAUSE_VERBS = frozenset("""
underscore underscores highlight highlights reveal reveals suggest suggests indicate indicates show shows
create creates imply implies emphasize emphasizes confirm confirms
""".split())
# Verbs of scientific prose (base forms; any inflection counts) that c-TF-IDF picks as a cluster's keyword
# ("count", "conduct", "selects", "mitigate", "aligning") and that name no topic. Map labels only.
LABEL_VERBS = frozenset("""
count conduct select pass mitigate encode align categorize categorise analyze analyse compare consider examine
aim lead capture evaluate assess investigate explore identify extract leverage utilize employ generate predict
perform apply combine integrate reduce increase enhance produce require rely involve focus incorporate tend
yield exhibit remain affect inherit address explain observe report achieve enable outperform organize
discover induce validate decide highlight indicate demonstrate offer execute
""".split())
# Single words too general to name a cluster on their own ("research, conduct", "knowledge, LLM, reasoning",
# "conclusion, medical"): a keyword label shows the next word. Map labels only.
LABEL_GENERIC_WORDS = frozenset("""
research knowledge potential language domain machine theory structure conclusion solution group perspective
inference length user condition improvement level aspect factor issue component information context quality
process analysis type form field area role impact effect insight finding trend outcome input output value
multiple standard apparent average example superior downstream framework
""".split())
CONCEPT_COMPARATIVES = frozenset("""
faster slower better worse higher lower greater stronger weaker improved enhanced increased reduced
more less fewer cheaper smaller larger
""".split())
# Model classes: a problem concept whose head is one of these names an architecture ("CNN", "VLMs",
# "diffusion models", "LLM agents"): a tool a method is part of, not a problem to apply it to (singular,
# lower case; acronyms ending in "lm" such as "MLLM" or "LVLM" count too; "VLA", a vision-language-action
# model).
CONCEPT_MODEL_HEADS = frozenset("""
model network architecture llm transformer cnn vit rnn lstm gnn gan vae agent vla
""".split())
# A setting of training or inference, chosen rather than addressed ("batch sizes", "context length",
# "parameter count", "denoising steps"): the head nouns of a quantity a paper sets; a phrase led by
# "number" ("number of views", read "number views") is one too. "rate" is one only after a gerund
# ("learning rate", "sampling rate"): "frame rate" or "hallucination rates" are properties to improve.
CONCEPT_SETTING_HEADS = frozenset("""
size length count step
""".split())
# Artefacts a "model" can be that are no learnt model: "CAD models", "3D models", "mesh models" are
# geometry, what a method takes in or produces, not a model class.
CONCEPT_ARTEFACT_MODIFIERS = frozenset("""
cad 3d mesh bim building terrain
""".split())
# Adjectives that name the task a property is of: "diagnostic accuracy" is the accuracy of a diagnosis, a
# clinical outcome with its object, not a bare property.
CONCEPT_TASK_ADJECTIVES = frozenset("""
diagnostic prognostic
""".split())
# Hardware a method runs on: "NVIDIA Jetson", "GPUs", "VRAM" are neither a method nor a problem (heads,
# singular, lower case).
CONCEPT_HARDWARE_HEADS = frozenset("""
gpu tpu cpu npu fpga vram jetson orin xavier raspberry arduino a100 h100 rtx snapdragon
""".split())
# What a method spends on the hardware it runs on ("GPU memory", "GPU hours"): a budget, not a problem.
CONCEPT_RESOURCE_NOUNS = frozenset("""
memory hour hours utilization budget time usage consumption
""".split())
# Model families: a problem concept starting with one names a model ("Qwen3-8B"), not a problem.
CONCEPT_MODEL_FAMILIES = ("gpt-", "gpt4", "qwen", "llama", "gemini", "claude", "mistral", "mixtral", "deepseek-",
                          "phi-", "gemma", "internvl", "llava", "o1-", "o3-", "o4-")
# Algorithms and functions whose name carries a digit that is no version: methods, not a model's release
# (concepts/quality.release_name; "Apply TD3 to ...", BM25 as a retrieval baseline).
CONCEPT_NUMBERED_METHODS = frozenset("a2c a3c td3 bm25 s4 s4d s5 id3 c4.5 r2d2".split())

# The gaps a report lists unless told otherwise (`gapscope report --gaps`, the Export dialog).
DEFAULT_REPORT_GAPS = 25
